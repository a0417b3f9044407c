/*
name: schema/10_post_created_at
:params {}
*/
// Trends and analytics select posts by time.
CREATE RANGE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at)
