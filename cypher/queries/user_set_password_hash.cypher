// Re-hash on log-in when the Argon2 parameters changed.
MATCH (u:User {id: $id})
SET u.password_hash = $password_hash
