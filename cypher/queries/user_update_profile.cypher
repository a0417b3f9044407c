/*
name: queries/user_update_profile
:params {changes: {display_name: "Ann"}, id: 1}
*/
// $changes holds only whitelisted profile fields (display_name, bio, location, website).
MATCH (u:User {id: $id})
SET u += $changes
RETURN u.id AS id
