/*
name: seed/users
:params {users: [{id: 1, username: "ann", display_name: "Ann"}], password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", now: 1764201600.0}
*/
// Bulk-creates users for a seeded graph (demos, benchmarks); all share one password hash.
UNWIND $users AS u
CREATE (:User {
  id: u.id, username: u.username, username_key: toLower(u.username),
  email: u.username + "@seed.flock.invalid", email_key: toLower(u.username) + "@seed.flock.invalid",
  password_hash: $password_hash, display_name: u.display_name, bio: "", location: "", website: "",
  roles: [], created_at: $now, last_seen_at: $now
})
