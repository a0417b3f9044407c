/*
name: queries/fanout_post_info
:params {id: 1}
*/
// What fan-out needs to know about a new post: its author, how many follow them, for a reply
// whose followers may see it, and whether the author's own feed shows it (the home timeline's
// rule: a reply shows to those who are, or follow, the author it answers).
MATCH (author:User)-[:POSTED]->(p:Post {id: $id})
RETURN author.id AS author_id, COUNT { (author)<-[:FOLLOWS]-() } AS follower_count,
       p.parent_author_id AS parent_author_id,
       p.parent_author_id IS NULL OR p.parent_author_id = author.id
         OR EXISTS { (author)-[:FOLLOWS]->(:User {id: p.parent_author_id}) } AS author_sees_it
