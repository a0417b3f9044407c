/*
name: schema/03_user_email_key_unique
:params {}
*/
// Emails are unique without regard to case: email_key is the lower-cased address's keyed
// blind index (flock/core/crypto.py); the address itself is stored encrypted.
CREATE CONSTRAINT user_email_key_unique IF NOT EXISTS FOR (u:User) REQUIRE u.email_key IS UNIQUE
