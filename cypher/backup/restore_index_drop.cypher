/*
name: backup/restore_index_drop
:params {}
*/
DROP INDEX restoring_archive_id IF EXISTS
