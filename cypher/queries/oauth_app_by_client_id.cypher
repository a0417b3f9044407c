/*
name: queries/oauth_app_by_client_id
:params {client_id: "c1"}
*/
// An OAuth 2 client application by its client id (no row when there is none).
MATCH (a:OAuthApp {client_id: $client_id})
RETURN a.client_id AS client_id, a.secret_digest AS secret_digest, a.name AS name,
       a.website AS website, a.redirect_uris AS redirect_uris, a.scopes AS scopes
