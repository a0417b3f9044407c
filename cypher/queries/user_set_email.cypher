/*
name: queries/user_set_email
:params {id: 1, email: "enc1:k1:c2VhbGVk", email_key: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}
*/
// A new e-mail address (encrypted) and its blind index; the uniqueness constraint on
// email_key makes one that is taken fail. Nothing when the account is gone.
MATCH (u:User {id: $id})
SET u.email = $email, u.email_key = $email_key
RETURN u.id AS id
