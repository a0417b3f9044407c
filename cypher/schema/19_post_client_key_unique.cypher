/*
name: schema/19_post_client_key_unique
:params {}
*/
// A post made with an Idempotency-Key keeps it (prefixed by its author's id: keys are per
// account), so that the request sent again (after a timeout, a 503) finds that post instead of
// making another.
CREATE CONSTRAINT post_client_key_unique IF NOT EXISTS FOR (p:Post) REQUIRE p.client_key IS UNIQUE
