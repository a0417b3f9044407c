/*
name: audit/chain
:params {}
*/
// Every entry, in order, for `flock audit verify`.
MATCH (e:AuditEvent)
RETURN e {.*} AS entry
ORDER BY e.seq
