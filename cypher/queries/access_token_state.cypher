/*
name: queries/access_token_state
:params {user_id: 1, family: "family-1"}
*/
// What decides whether an access token still counts (graph/revocation.py asks it when Redis
// holds no copy, or cannot answer): when the account last ended every session (tokens issued
// before are refused), and whether the token's log-in (its refresh-token family, or an app's
// authorization) was ended. No row: the account is gone. A family with no refresh token left
// and no authorization counts as ended (an app's authorization outlives its refresh tokens).
MATCH (u:User {id: $user_id})
RETURN coalesce(u.tokens_valid_after, 0.0) AS valid_after,
       coalesce(
         [(u)-[:AUTHORIZED]->(z:Authorization {family: $family}) | coalesce(z.revoked, false)][0],
         [(u)-[:HAS_REFRESH_TOKEN]->(t:RefreshToken {family: $family}) | coalesce(t.revoked, false)][0],
         true
       ) AS family_ended
