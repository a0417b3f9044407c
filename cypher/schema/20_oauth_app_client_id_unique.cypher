/*
name: schema/20_oauth_app_client_id_unique
:params {}
*/
// OAuth 2 client applications are found by their client id (every token request).
CREATE CONSTRAINT oauth_app_client_id_unique IF NOT EXISTS FOR (a:OAuthApp) REQUIRE a.client_id IS UNIQUE
