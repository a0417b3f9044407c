/*
name: queries/user_bookmarks_page
:params {user_id: 1, max_id: 9223372036854775807, limit: 20}
*/
// A user's bookmarks, most recently bookmarked first, below $max_id (a bookmark's id): the
// bookmark ids and the posts' ids. Posts by accounts blocked either way are left out.
MATCH (me:User {id: $user_id})-[bookmark:BOOKMARKED]->(p:Post)<-[:POSTED]-(author:User)
WHERE bookmark.id < $max_id
  AND NOT EXISTS { (me)-[:BLOCKS]-(author) }
RETURN bookmark.id AS id, p.id AS post_id
ORDER BY id DESC
LIMIT $limit
