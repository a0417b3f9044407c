// The roles of an account (e.g. "analyst" for the analytics endpoint).
MATCH (u:User {id: $id})
RETURN coalesce(u.roles, []) AS roles
