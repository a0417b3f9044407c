/*
name: queries/user_unmute
:params {user_id: 1, target_id: 2}
*/
// Takes a mute back; nothing happens when there was none.
MATCH (:User {id: $user_id})-[mute:MUTES]->(:User {id: $target_id})
DELETE mute
