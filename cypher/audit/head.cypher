/*
name: audit/head
:params {}
*/
// Where the audit chain ends: the last sequence number and hash.
MATCH (h:AuditHead {id: 'audit'})
RETURN h.seq AS seq, h.hash AS hash
