// A user's tweets or replies ($kind), newest first, older than $max_id.
MATCH (:User {username_key: toLower($username)})-[:POSTED]->(p:Post)
WHERE p.id < $max_id AND $kind IN labels(p)
WITH p ORDER BY p.id DESC LIMIT $limit
OPTIONAL MATCH (viewer:User {id: $viewer_id})
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
  liked_by_me: viewer IS NOT NULL AND EXISTS { (viewer)-[:LIKES]->(p) }
} AS post
