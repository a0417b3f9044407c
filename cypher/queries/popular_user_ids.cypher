/*
name: queries/popular_user_ids
:params {limit: 20}
*/
// The most-followed accounts (for people who follow nobody yet, and to fill short lists).
MATCH (u:User)
WITH u, COUNT { (u)<-[:FOLLOWS]-() } AS followers
ORDER BY followers DESC, u.id
LIMIT $limit
RETURN u.id AS id, followers
