// The home timeline, computed from the graph (the cold path): the viewer's own posts and
// those of everyone they follow, newest first, between $since_id and $max_id. A reply shows only
// when the viewer follows, or is, the author it answers.
MATCH (viewer:User {id: $viewer_id})
CALL (viewer) {
  MATCH (viewer)-[:POSTED]->(p:Post)
  RETURN p
  UNION
  MATCH (viewer)-[:FOLLOWS]->(:User)-[:POSTED]->(p:Post)
  RETURN p
}
WITH viewer, p
WHERE p.id < $max_id AND p.id > $since_id
  AND (p:Tweet
       OR p.parent_author_id = viewer.id
       OR EXISTS { (viewer)-[:FOLLOWS]->(:User {id: p.parent_author_id}) })
WITH viewer, p ORDER BY p.id DESC LIMIT $limit
RETURN p {
  id: toString(p.id),
  kind: CASE WHEN p:Reply THEN "reply" ELSE "tweet" END,
  text: p.text, created_at: p.created_at, edited_at: p.edited_at, deleted: p:Deleted,
  media: COLLECT {
    MATCH (p)-[h:HAS_MEDIA]->(m:Media)
    RETURN m {id: toString(m.id), .content_type, .width, .height,
              url: "/media/" + toString(m.id), thumbnail_url: "/media/" + toString(m.id) + "/thumb"}
    ORDER BY h.position
  },
  root_id: toString(coalesce(p.root_id, p.id)),
  in_reply_to_id: [(p)-[:REPLY_TO]->(parent) | toString(parent.id)][0],
  author: [(a:User)-[:POSTED]->(p) | a {id: toString(a.id), .username, .display_name}][0],
  like_count: COUNT { (p)<-[:LIKES]-() },
  reply_count: COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted },
  liked_by_me: EXISTS { (viewer)-[:LIKES]->(p) }
} AS post
