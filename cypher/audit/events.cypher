/*
name: audit/events
:params {actor: null, event: null, since: 0.0, after_seq: 0, limit: 100}
*/
// Audit entries in order, filtered by actor (username), event and time; page by after_seq.
MATCH (e:AuditEvent)
WHERE e.seq > $after_seq AND e.at >= $since
  AND ($actor IS NULL OR toLower(e.actor) = toLower($actor))
  AND ($event IS NULL OR e.event = $event)
RETURN e {.*} AS entry
ORDER BY e.seq
LIMIT $limit
