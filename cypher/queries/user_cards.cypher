/*
name: queries/user_cards
:params {ids: [1, 2]}
*/
// Authors as a post shows them (for the Redis copy of author cards).
MATCH (u:User)
WHERE u.id IN $ids
RETURN u.id AS id, u {id: toString(u.id), .username, .display_name} AS card
