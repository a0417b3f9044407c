/*
name: queries/user_credentials_by_login
:params {login: "ann"}
*/
// Log-in: the account by username or email, without regard to case.
MATCH (u:User)
WHERE u.username_key = toLower($login) OR u.email_key = toLower($login)
RETURN u.id AS id, u.password_hash AS password_hash
LIMIT 1
