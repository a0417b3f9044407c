MATCH (u:User {username_key: toLower($username)})
RETURN u.id AS id
