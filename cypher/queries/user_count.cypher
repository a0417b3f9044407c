/*
name: queries/user_count
:params {}
*/
MATCH (u:User)
RETURN count(u) AS users
