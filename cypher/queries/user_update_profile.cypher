// $changes holds only whitelisted profile fields (display_name, bio, location, website).
MATCH (u:User {id: $id})
SET u += $changes
RETURN u.id AS id
