/*
name: schema/15_reposted_id
:params {}
*/
// A repost is a REPOSTED relationship with its own time-ordered id (its place in timelines);
// "repost this repost" and taking reposts out of feeds find it by that id.
CREATE INDEX reposted_id IF NOT EXISTS FOR ()-[r:REPOSTED]-() ON (r.id)
