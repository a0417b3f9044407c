/*
name: schema/23_user_community_index
:params {}
*/
// Who to follow reads the accounts of one community (written by the community algorithm).
CREATE INDEX user_community IF NOT EXISTS FOR (u:User) ON (u.community)
