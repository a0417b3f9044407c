/*
name: queries/oauth_authorization_create
:params {user_id: 1, client_id: "c1", family: "family-1", scope: "read write", now: 1764201600.0}
*/
// The user authorized an app: a log-in (token family) of its own, listed in the user's
// settings until revoked. No row when the account or the app is gone.
MATCH (u:User {id: $user_id}), (a:OAuthApp {client_id: $client_id})
CREATE (u)-[:AUTHORIZED]->(:Authorization {
  family: $family, scope: $scope, created_at: $now
})-[:FOR_APP]->(a)
RETURN u.id AS user_id
