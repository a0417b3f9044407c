// The cacheable part of posts (what changes only by an edit), for the Redis body cache.
UNWIND $ids AS id
MATCH (p:Post {id: id})
WHERE NOT p:Deleted
RETURN p.id AS id, p {
  id: toString(p.id),
  kind: CASE WHEN p:Reply THEN "reply" ELSE "tweet" END,
  text: p.text, created_at: p.created_at, edited_at: p.edited_at, deleted: false,
  media: COLLECT {
    MATCH (p)-[h:HAS_MEDIA]->(m:Media)
    RETURN m {id: toString(m.id), .content_type, .width, .height,
              url: "/media/" + toString(m.id), thumbnail_url: "/media/" + toString(m.id) + "/thumb"}
    ORDER BY h.position
  },
  root_id: toString(coalesce(p.root_id, p.id)),
  in_reply_to_id: [(p)-[:REPLY_TO]->(parent) | toString(parent.id)][0]
} AS body
