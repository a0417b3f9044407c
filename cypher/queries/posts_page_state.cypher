// The live part of a page of posts, for one viewer, in one query: author, counts, liked_by_me.
// Posts deleted meanwhile are simply not returned; edited_at tells a stale cached body.
// `p.id IN $ids` is one index seek per id; `UNWIND $ids ... {id: id}` after the viewer's match
// was planned as a scan of the whole id index for every id.
MATCH (p:Post)<-[:POSTED]-(a:User)
WHERE p.id IN $ids
OPTIONAL MATCH (viewer:User {id: $viewer_id})
RETURN p.id AS id, p.edited_at AS edited_at,
       a {id: toString(a.id), .username, .display_name} AS author,
       COUNT { (p)<-[:LIKES]-() } AS like_count,
       COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted } AS reply_count,
       viewer IS NOT NULL AND EXISTS { (viewer)-[:LIKES]->(p) } AS liked_by_me
