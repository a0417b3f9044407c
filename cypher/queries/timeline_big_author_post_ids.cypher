/*
name: queries/timeline_big_author_post_ids
:params {author_ids: [2], viewer_id: 1, max_id: 9223372036854775807, since_id: 0, limit: 20}
*/
// The newest posts of the big accounts (among $author_ids) that the viewer follows, by the
// same rules as home_timeline.
MATCH (viewer:User {id: $viewer_id})-[:FOLLOWS]->(a:User)
WHERE a.id IN $author_ids
MATCH (a)-[:POSTED]->(p:Post)
WHERE p.id < $max_id AND p.id > $since_id
  AND (p:Tweet
       OR p.parent_author_id = viewer.id
       OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) })
RETURN p.id AS id ORDER BY id DESC LIMIT $limit
