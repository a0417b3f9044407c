/*
name: queries/fanout_repost_info
:params {repost_id: 1}
*/
// What fan-out needs to know about a new repost: who reposted what, and how many follow them.
MATCH (reposter:User)-[repost:REPOSTED {id: $repost_id}]->(p:Post)
RETURN reposter.id AS reposter_id, p.id AS post_id,
       COUNT { (reposter)<-[:FOLLOWS]-() } AS follower_count
