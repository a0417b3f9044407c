/*
name: schema/16_bookmarked_id
:params {}
*/
// Bookmarks are listed newest first by the id of the BOOKMARKED relationship.
CREATE INDEX bookmarked_id IF NOT EXISTS FOR ()-[b:BOOKMARKED]-() ON (b.id)
