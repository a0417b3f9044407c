/*
name: queries/user_grant_role
:params {username: "ann", role: "analyst"}
*/
// Give an account a role (idempotent); returns its roles, nothing if there is no such user.
MATCH (u:User {username_key: toLower($username)})
SET u.roles = CASE WHEN $role IN coalesce(u.roles, []) THEN u.roles
                   ELSE coalesce(u.roles, []) + $role END
RETURN u.roles AS roles
