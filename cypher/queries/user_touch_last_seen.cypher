// Marks the user active (fan-out goes to users seen within FLOCK_ACTIVE_DAYS).
MATCH (u:User {id: $id})
WHERE u.last_seen_at < $now - $granularity
SET u.last_seen_at = $now
RETURN u.id AS id
