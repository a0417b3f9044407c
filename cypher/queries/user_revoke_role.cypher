/*
name: queries/user_revoke_role
:params {username: "ann", role: "analyst"}
*/
// Take a role away (idempotent); returns the roles left, nothing if there is no such user.
MATCH (u:User {username_key: toLower($username)})
SET u.roles = [r IN coalesce(u.roles, []) WHERE r <> $role]
RETURN u.roles AS roles
