/*
name: schema/01_user_id_unique
:params {}
*/
CREATE CONSTRAINT user_id_unique IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE
