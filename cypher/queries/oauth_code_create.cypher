/*
name: queries/oauth_code_create
:params {digest: "9f86d081884c7d65", client_id: "c1", user_id: 1, redirect_uri: "urn:ietf:wg:oauth:2.0:oob", scope: "read", challenge: null, challenge_method: null, expires_at: 1764202200.0, now: 1764201600.0}
*/
// An authorization code the user granted an app on the consent page (by its digest); expired
// codes of the user go with it. No row when the account or the app is gone.
MATCH (u:User {id: $user_id}), (a:OAuthApp {client_id: $client_id})
CREATE (u)-[:GRANTED_CODE]->(c:OAuthCode {
  digest: $digest, redirect_uri: $redirect_uri, scope: $scope, challenge: $challenge,
  challenge_method: $challenge_method, expires_at: $expires_at, created_at: $now
})-[:FOR_APP]->(a)
WITH u
CALL (u) {
  MATCH (u)-[:GRANTED_CODE]->(old:OAuthCode)
  WHERE old.expires_at < $now - 3600
  DETACH DELETE old
}
RETURN u.id AS user_id
