/*
name: queries/user_touch_last_seen
:params {id: 1, now: 1764201600.0, granularity: 300.0}
*/
// Marks the user active (fan-out goes to users seen within FLOCK_ACTIVE_DAYS) and returns when
// they were seen before, so a returning user's feed can be rebuilt.
MATCH (u:User {id: $id})
WHERE u.last_seen_at < $now - $granularity
WITH u, u.last_seen_at AS previous
SET u.last_seen_at = $now
RETURN previous
