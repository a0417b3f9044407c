/*
name: backup/last_transaction
:params {}
*/
// Nothing to read: the bookmark Neo4j returns for this transaction names the last one that
// committed, which is how a backup proves that nothing was written while it exported.
RETURN 1 AS one
