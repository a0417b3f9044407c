/*
name: audit/append
:params {entry: {seq: 1, at: 0.0, event: "login", outcome: "ok", prev: "", hash: "x"}}
*/
// Append one entry after the head locked by audit/head_lock, in the same transaction.
MATCH (h:AuditHead {id: 'audit'})
CREATE (e:AuditEvent)
SET e = $entry
SET h.seq = $entry.seq, h.hash = $entry.hash
