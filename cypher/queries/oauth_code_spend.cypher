/*
name: queries/oauth_code_spend
:params {digest: "9f86d081884c7d65", client_id: "c1", now: 1764201600.0}
*/
// Spends an authorization code of this app: what it grants, and whether it was spent before
// (a reuse: the tokens it gave are then revoked) or has expired. The write lock is taken before
// spent_at is read, so two uses at once are one use and one reuse. No row: no such code for
// this app.
MATCH (u:User)-[:GRANTED_CODE]->(c:OAuthCode {digest: $digest})-[:FOR_APP]->(:OAuthApp {client_id: $client_id})
SET c.used_at = $now
WITH u, c, c.spent_at IS NOT NULL AS reused
SET c.spent_at = coalesce(c.spent_at, $now)
RETURN u.id AS user_id, c.redirect_uri AS redirect_uri, c.scope AS scope,
       c.challenge AS challenge, c.challenge_method AS challenge_method,
       c.expires_at < $now AS expired, reused, c.family AS family
