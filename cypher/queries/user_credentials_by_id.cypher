MATCH (u:User {id: $id})
RETURN u.id AS id, u.password_hash AS password_hash
