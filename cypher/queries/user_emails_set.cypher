/*
name: queries/user_emails_set
:params {users: [{id: 1, email: "enc1:k1:c2VhbGVk", email_key: "5e88", was: "ann@example.org"}]}
*/
// Re-encrypted addresses, each written only if the stored value is still the one read (an
// e-mail change in between wins). Returns how many were written.
UNWIND $users AS given
MATCH (u:User {id: given.id})
WHERE u.email = given.was
SET u.email = given.email, u.email_key = given.email_key
RETURN count(u) AS written
