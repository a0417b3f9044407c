/*
name: queries/user_roles
:params {id: 1}
*/
// The roles of an account (e.g. "analyst" for the analytics endpoint).
MATCH (u:User {id: $id})
RETURN coalesce(u.roles, []) AS roles
