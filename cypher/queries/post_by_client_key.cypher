/*
name: queries/post_by_client_key
:params {client_key: "1:4f1d7c"}
*/
// The post made with this Idempotency-Key (scoped to its author), with what its after-effects
// need: what it answers and what it quotes.
MATCH (p:Post {client_key: $client_key})
RETURN p.id AS id, p:Reply AS is_reply, [(p)-[:REPLY_TO]->(parent:Post) | parent.id][0] AS parent_id,
       p.quote_id AS quote_id
