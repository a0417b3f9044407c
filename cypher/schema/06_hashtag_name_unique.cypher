/*
name: schema/06_hashtag_name_unique
:params {}
*/
CREATE CONSTRAINT hashtag_name_unique IF NOT EXISTS FOR (h:Hashtag) REQUIRE h.name IS UNIQUE
