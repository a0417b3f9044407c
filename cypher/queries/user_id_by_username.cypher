/*
name: queries/user_id_by_username
:params {username: "ann"}
*/
MATCH (u:User {username_key: toLower($username)})
RETURN u.id AS id
