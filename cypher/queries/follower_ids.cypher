/*
name: queries/follower_ids
:params {batch: 1000, author_id: 1}
*/
// All followers of an author (in batches), to take a deleted post out of feeds.
MATCH (:User {id: $author_id})<-[:FOLLOWS]-(f:User)
// In lists of $batch ids: ten rows for ten thousand followers, not ten thousand rows.
WITH collect(f.id) AS ids
UNWIND range(0, size(ids) - 1, $batch) AS start
RETURN ids[start..start + $batch] AS ids
