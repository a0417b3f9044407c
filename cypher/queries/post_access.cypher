/*
name: queries/post_access
:params {id: 1, kind: "Tweet"}
*/
// Who may change a post: its author, and the author of the tweet at the top of its thread;
// and the posts it answers and quotes (whose counts a deletion changes).
MATCH (p:Post {id: $id})
WHERE $kind IN labels(p)
RETURN p.id AS id, p:Deleted AS deleted,
       [(a:User)-[:POSTED]->(p) | a.id][0] AS author_id,
       [(root:Post {id: coalesce(p.root_id, p.id)})<-[:POSTED]-(ra:User) | ra.id][0] AS root_author_id,
       [(p)-[:REPLY_TO]->(parent:Post) | parent.id][0] AS parent_id,
       p.quote_id AS quote_id
