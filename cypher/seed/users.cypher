/*
name: seed/users
:params {users: [{id: 1, username: "ann", display_name: "Ann", email: "enc1:k1:c2VhbGVk", email_key: "5e88"}], password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", now: 1764201600.0}
*/
// Bulk-creates users for a seeded graph (demos, benchmarks); all share one password hash.
UNWIND $users AS u
CREATE (:User {
  id: u.id, username: u.username, username_key: toLower(u.username),
  email: u.email, email_key: u.email_key,
  password_hash: $password_hash, display_name: u.display_name, bio: "", location: "", website: "",
  roles: [], created_at: $now, last_seen_at: $now
})
