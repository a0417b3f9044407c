/*
name: queries/notifications_clear
:params {user_id: 1, up_to_id: 1}
*/
// The user clears their notifications: every one up to $up_to_id is gone from their list.
MATCH (me:User {id: $user_id})
SET me.notifications_cleared_up_to = CASE
      WHEN coalesce(me.notifications_cleared_up_to, 0) > $up_to_id
      THEN me.notifications_cleared_up_to ELSE $up_to_id END,
    me.notifications_dismissed = []
RETURN me.notifications_cleared_up_to AS cleared_up_to
