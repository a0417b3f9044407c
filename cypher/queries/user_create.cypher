/*
name: queries/user_create
:params {id: 1, username: "ann", email: "enc1:k1:c2VhbGVk", email_key: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", password_hash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", display_name: "Ann", now: 1764201600.0}
*/
// Sign-up. The username_key and email_key uniqueness constraints make a duplicate fail. The
// e-mail address is stored encrypted, its key is its blind index (flock/core/crypto.py).
CREATE (u:User {
  id: $id, username: $username, username_key: toLower($username),
  email: $email, email_key: $email_key, password_hash: $password_hash,
  display_name: $display_name, bio: "", location: "", website: "",
  roles: [], created_at: $now, last_seen_at: $now
})
RETURN u.id AS id
