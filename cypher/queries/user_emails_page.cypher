/*
name: queries/user_emails_page
:params {after_id: 0, batch: 500}
*/
// Accounts' stored e-mail addresses (encrypted, or plain from before encryption), in id order
// after $after_id: what `flock keys rotate` goes through.
MATCH (u:User)
WHERE u.id > $after_id
RETURN u.id AS id, u.email AS email
ORDER BY u.id
LIMIT $batch
