/*
name: queries/search_user_docs
:params {ids: [1, 2]}
*/
// Search documents for these users; deleted or missing users are absent.
UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN {
  id: toString(u.id), username: u.username, display_name: u.display_name, bio: u.bio,
  follower_count: COUNT { (u)<-[:FOLLOWS]-() },
  created_at: toInteger(u.created_at)
} AS doc
