/*
name: queries/notifications_mark_read
:params {user_id: 1, up_to_id: 1}
*/
// Marks a user's notifications read up to an id (never back: an older mark changes nothing).
MATCH (me:User {id: $user_id})
SET me.notifications_read_up_to = CASE
  WHEN coalesce(me.notifications_read_up_to, 0) > $up_to_id THEN me.notifications_read_up_to
  ELSE $up_to_id
END
RETURN me.notifications_read_up_to AS read_up_to
