/*
name: queries/user_unblock
:params {user_id: 1, target_id: 2}
*/
// Takes a block back (the follows it ended stay ended); nothing happens when there was none.
MATCH (:User {id: $user_id})-[block:BLOCKS]->(:User {id: $target_id})
DELETE block
