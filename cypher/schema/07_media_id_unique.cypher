/*
name: schema/07_media_id_unique
:params {}
*/
CREATE CONSTRAINT media_id_unique IF NOT EXISTS FOR (m:Media) REQUIRE m.id IS UNIQUE
