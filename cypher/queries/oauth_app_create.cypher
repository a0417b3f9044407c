/*
name: queries/oauth_app_create
:params {client_id: "c1", secret_digest: "9f86d081884c7d65", app_name: "Tusky", website: "", redirect_uris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: ["read"], now: 1764201600.0}
*/
// Registers an OAuth 2 client application (POST /api/v1/apps): its secret is kept as a digest.
CREATE (a:OAuthApp {
  client_id: $client_id, secret_digest: $secret_digest, name: $app_name, website: $website,
  redirect_uris: $redirect_uris, scopes: $scopes, created_at: $now
})
RETURN a.client_id AS client_id
