// What fan-out needs to know about a new post: its author, how many follow them, and for a
// reply, whose followers may see it.
MATCH (author:User)-[:POSTED]->(p:Post {id: $id})
RETURN author.id AS author_id, COUNT { (author)<-[:FOLLOWS]-() } AS follower_count,
       p.parent_author_id AS parent_author_id
