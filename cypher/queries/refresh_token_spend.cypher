/*
name: queries/refresh_token_spend
:params {digest: "9f86d081884c7d65", now: 1764201600.0}
*/
// Spends an unexpired refresh token: its owner, its family, whether the family was revoked,
// and whether it had been spent before (a reuse). The write lock is taken before spent_at is
// read, so two uses of one token at once are seen as one use and one reuse.
MATCH (u:User)-[:HAS_REFRESH_TOKEN]->(t:RefreshToken {digest: $digest})
WHERE t.expires_at > $now
SET t.used_at = $now
WITH u, t, t.spent_at IS NOT NULL AS reused
SET t.spent_at = coalesce(t.spent_at, $now)
RETURN u.id AS user_id, t.family AS family, coalesce(t.revoked, false) AS revoked, reused
