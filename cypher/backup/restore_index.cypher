/*
name: backup/restore_index
:params {}
*/
// While a restore runs, nodes carry their id in the archive, so relationships find their ends.
CREATE INDEX restoring_archive_id IF NOT EXISTS FOR (n:Restoring) ON (n.archive_id)
