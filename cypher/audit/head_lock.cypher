/*
name: audit/head_lock
:params {actor_id: 1}
*/
// The audit chain's head, write-locked until the transaction ends (see audit/append): its
// sequence number and the hash of the last entry; and the acting account's username.
MERGE (h:AuditHead {id: 'audit'})
ON CREATE SET h.seq = 0, h.hash = ''
SET h.locked_at = timestamp()
WITH h
OPTIONAL MATCH (u:User {id: $actor_id})
RETURN h.seq AS seq, h.hash AS hash, u.username AS username
