/*
name: queries/user_credentials_by_login
:params {login: "ann", email_key: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"}
*/
// Log-in: the account by username or email (by its blind index), without regard to case.
MATCH (u:User)
WHERE u.username_key = toLower($login) OR u.email_key = $email_key
RETURN u.id AS id, u.password_hash AS password_hash
LIMIT 1
