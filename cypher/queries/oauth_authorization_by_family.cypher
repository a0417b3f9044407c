/*
name: queries/oauth_authorization_by_family
:params {family: "family-1"}
*/
// An app's authorization by its log-in (token family): its user, app and scope, and whether it
// was revoked. No row: the family is not an app's (a log-in of Flock's own clients).
MATCH (u:User)-[:AUTHORIZED]->(z:Authorization {family: $family})-[:FOR_APP]->(a:OAuthApp)
RETURN u.id AS user_id, a.client_id AS client_id, z.scope AS scope,
       coalesce(z.revoked, false) AS revoked
