/*
name: schema/08_revision_id_unique
:params {}
*/
CREATE CONSTRAINT revision_id_unique IF NOT EXISTS FOR (v:Revision) REQUIRE v.id IS UNIQUE
