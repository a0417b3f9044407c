// Revokes every refresh token of a user (all their log-ins).
MATCH (:User {id: $user_id})-[:HAS_REFRESH_TOKEN]->(t:RefreshToken)
SET t.revoked = true
RETURN count(t) AS revoked
