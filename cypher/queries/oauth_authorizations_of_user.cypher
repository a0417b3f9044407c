/*
name: queries/oauth_authorizations_of_user
:params {user_id: 1}
*/
// The apps a user has authorized and not revoked, newest first (the settings page lists them).
MATCH (:User {id: $user_id})-[:AUTHORIZED]->(z:Authorization)-[:FOR_APP]->(a:OAuthApp)
WHERE NOT coalesce(z.revoked, false)
RETURN z.family AS family, z.scope AS scope, z.created_at AS created_at, a.name AS name,
       a.website AS website, a.client_id AS client_id
ORDER BY z.created_at DESC
