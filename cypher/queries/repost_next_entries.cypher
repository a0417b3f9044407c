/*
name: queries/repost_next_entries
:params {user_ids: [1], post_id: 1}
*/
// A repost was taken back, and for these users it was the post's entry in their timeline:
// the post's next entry for each (the earliest remaining repost by them or someone they follow),
// if the post is not in their timeline by itself.
UNWIND $user_ids AS user_id
MATCH (viewer:User {id: user_id})
MATCH (p:Post {id: $post_id})
WHERE NOT p:Deleted
  AND NOT EXISTS { (viewer)-[:MUTES|BLOCKS]->(:User)-[:POSTED]->(p) }
  AND NOT EXISTS { (viewer)<-[:BLOCKS]-(:User)-[:POSTED]->(p) }
  AND NOT EXISTS {
        MATCH (viewer)-[:FOLLOWS*0..1]->(:User)-[:POSTED]->(p)
        WHERE p:Tweet
           OR p.parent_author_id = viewer.id
           OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) }
      }
MATCH (viewer)-[:FOLLOWS*0..1]->(reposter:User)-[repost:REPOSTED]->(p)
WHERE NOT EXISTS { (viewer)-[:MUTES]->(reposter) }
WITH viewer, p, repost, reposter ORDER BY repost.id
WITH viewer, p, head(collect([repost.id, reposter.id])) AS first
RETURN viewer.id AS user_id, first[0] AS id, p.id AS post_id, first[1] AS reposter_id
