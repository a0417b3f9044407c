/*
name: queries/search_user_docs_batch
:params {after_id: 0, batch: 1000}
*/
// Search documents for every user, a batch at a time in id order (for a full reindex).
MATCH (u:User)
WHERE u.id > $after_id
WITH u ORDER BY u.id LIMIT $batch
RETURN u.id AS id, {
  id: toString(u.id), username: u.username, display_name: u.display_name, bio: u.bio,
  follower_count: COUNT { (u)<-[:FOLLOWS]-() },
  created_at: toInteger(u.created_at)
} AS doc
