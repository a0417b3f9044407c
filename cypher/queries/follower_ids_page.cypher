// All followers of an author, a batch at a time by id (to take a deleted post out of feeds).
MATCH (:User {id: $author_id})<-[:FOLLOWS]-(f:User)
WHERE f.id > $after_id
RETURN f.id AS id ORDER BY id LIMIT $batch
