/*
name: queries/user_unfollow
:params {user_id: 1, target_id: 2}
*/
// Stops following; nothing happens when there was no follow.
MATCH (:User {id: $user_id})-[follow:FOLLOWS]->(:User {id: $target_id})
DELETE follow
