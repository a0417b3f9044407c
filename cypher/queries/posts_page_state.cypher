// The live part of a page of posts, for one viewer, in one query: author, counts, liked_by_me.
// Posts deleted meanwhile are simply not returned; edited_at tells a stale cached body.
OPTIONAL MATCH (viewer:User {id: $viewer_id})
UNWIND $ids AS id
MATCH (a:User)-[:POSTED]->(p:Post {id: id})
RETURN p.id AS id, p.edited_at AS edited_at,
       a {id: toString(a.id), .username, .display_name} AS author,
       COUNT { (p)<-[:LIKES]-() } AS like_count,
       COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted } AS reply_count,
       viewer IS NOT NULL AND EXISTS { (viewer)-[:LIKES]->(p) } AS liked_by_me
