/*
name: queries/follower_ids
:params {author_id: 1}
*/
// All followers of an author (streamed in batches), to take a deleted post out of feeds.
MATCH (:User {id: $author_id})<-[:FOLLOWS]-(f:User)
RETURN f.id AS id
