/*
name: queries/user_set_password_hash
:params {id: 1, password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"}
*/
// Re-hash on log-in when the Argon2 parameters changed.
MATCH (u:User {id: $id})
SET u.password_hash = $password_hash
