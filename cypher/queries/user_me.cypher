/*
name: queries/user_me
:params {id: 1}
*/
// The signed-in user's own profile: the public fields, counts and the email.
MATCH (u:User {id: $id})
RETURN u {
  id: toString(u.id), .username, .display_name, .bio, .location, .website, .created_at, .email, .roles,
  follower_count: COUNT { (u)<-[:FOLLOWS]-() },
  following_count: COUNT { (u)-[:FOLLOWS]->() },
  tweet_count: COUNT { (u)-[:POSTED]->(t:Tweet) },
  followed_by_me: false
} AS user
