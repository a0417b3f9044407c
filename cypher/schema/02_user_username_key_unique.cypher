/*
name: schema/02_user_username_key_unique
:params {}
*/
// Usernames are unique without regard to case: username_key is the lower-cased name.
CREATE CONSTRAINT user_username_key_unique IF NOT EXISTS FOR (u:User) REQUIRE u.username_key IS UNIQUE
