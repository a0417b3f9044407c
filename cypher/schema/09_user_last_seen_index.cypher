/*
name: schema/09_user_last_seen_index
:params {}
*/
// Fan-out and feed regeneration ask for users active within FLOCK_ACTIVE_DAYS.
CREATE INDEX user_last_seen_at IF NOT EXISTS FOR (u:User) ON (u.last_seen_at)
