/*
name: queries/oauth_authorization_revoke
:params {user_id: 1, family: "family-1"}
*/
// The user (or the app, revoking its token) ends an app's authorization: it and the refresh
// tokens of its family stop counting. No row when it is not this user's.
MATCH (u:User {id: $user_id})-[:AUTHORIZED]->(z:Authorization {family: $family})-[:FOR_APP]->(a:OAuthApp)
SET z.revoked = true, z.revoked_at = coalesce(z.revoked_at, timestamp() / 1000.0)
WITH u, z, a
CALL (u, z) {
  MATCH (u)-[:HAS_REFRESH_TOKEN]->(t:RefreshToken {family: z.family})
  SET t.revoked = true
}
RETURN z.family AS family, a.name AS name
