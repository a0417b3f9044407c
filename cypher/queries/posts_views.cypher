/*
name: queries/posts_views
:params {ids: [1, 2]}
*/
// What a page shows of each of these posts: the one projection of a post (graph/post_views.py),
// copied in Redis by jobs/stores/post_cache.py. The body, the author's card, the counts, the
// quoted post's id; the viewer's own marks (liked_by_me...) are kept apart. A deleted post with replies is a tombstone
// (no author, no text). `p.id IN $ids` is one index seek per id.
MATCH (p:Post)
WHERE p.id IN $ids
OPTIONAL MATCH (p)<-[:POSTED]-(a:User)
RETURN p.id AS id, a.id AS author_id,
       a {id: toString(a.id), .username, .display_name} AS author,
       p {
         id: toString(p.id),
         kind: CASE WHEN p:Reply THEN "reply" ELSE "tweet" END,
         text: p.text, created_at: p.created_at, edited_at: p.edited_at, deleted: p:Deleted,
         media: COLLECT {
           MATCH (p)-[h:HAS_MEDIA]->(m:Media)
           RETURN m {id: toString(m.id), .content_type, .width, .height,
                     url: "/media/" + toString(m.id),
                     thumbnail_url: "/media/" + toString(m.id) + "/thumb"}
           ORDER BY h.position
         },
         root_id: toString(coalesce(p.root_id, p.id)),
         root_author_id: [(root:Post {id: coalesce(p.root_id, p.id)})<-[:POSTED]-(ra:User)
                          | toString(ra.id)][0],
         in_reply_to_id: [(p)-[:REPLY_TO]->(parent) | toString(parent.id)][0],
         quote_id: toString(p.quote_id),
         like_count: COUNT { (p)<-[:LIKES]-() },
         reply_count: COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted },
         repost_count: COUNT { (p)<-[:REPOSTED]-() },
         quote_count: COUNT { (p)<-[:QUOTES]-(q:Post) WHERE NOT q:Deleted }
       } AS view
