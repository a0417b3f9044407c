/*
name: queries/users_by_ids
:params {viewer_id: 1, ids: [1, 2]}
*/
// Public profiles for these user ids, in the order given (search results, suggestions);
// missing users are left out, and so are those the viewer mutes or is blocked with either way.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
UNWIND range(0, size($ids) - 1) AS position
MATCH (u:User {id: $ids[position]})
WHERE viewer IS NULL
   OR NOT (EXISTS { (viewer)-[:MUTES]->(u) } OR EXISTS { (viewer)-[:BLOCKS]-(u) })
RETURN u {
  id: toString(u.id), .username, .display_name, .bio, .location, .website, .created_at,
  follower_count: COUNT { (u)<-[:FOLLOWS]-() },
  following_count: COUNT { (u)-[:FOLLOWS]->() },
  tweet_count: COUNT { (u)-[:POSTED]->(t:Tweet) },
  followed_by_me: viewer IS NOT NULL AND EXISTS { (viewer)-[:FOLLOWS]->(u) }
} AS user
ORDER BY position
