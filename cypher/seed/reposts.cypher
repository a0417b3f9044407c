/*
name: seed/reposts
:params {reposts: [{id: 4, user_id: 1, post_id: 3, at: 1764201600.0}]}
*/
// Bulk-creates reposts by seeded users, once per user and post like any repost.
UNWIND $reposts AS r
MATCH (u:User {id: r.user_id})
MATCH (p:Post {id: r.post_id})
MERGE (u)-[repost:REPOSTED]->(p)
  ON CREATE SET repost.id = r.id, repost.at = r.at
