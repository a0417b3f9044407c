/*
name: schema/04_post_id_unique
:params {}
*/
// Tweets and replies are both :Post (one id space, one index); :Tweet or :Reply says which.
CREATE CONSTRAINT post_id_unique IF NOT EXISTS FOR (p:Post) REQUIRE p.id IS UNIQUE
