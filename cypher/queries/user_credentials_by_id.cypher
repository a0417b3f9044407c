/*
name: queries/user_credentials_by_id
:params {id: 1}
*/
MATCH (u:User {id: $id})
RETURN u.id AS id, u.password_hash AS password_hash
