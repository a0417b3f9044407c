/*
name: queries/notification_dismiss
:params {user_id: 1, id: 1, keep: 500}
*/
// The user dismisses one notification (by its id); the newest $keep dismissals are kept
// (older ones are usually below what was cleared, or long scrolled past).
MATCH (me:User {id: $user_id})
WITH me, [x IN coalesce(me.notifications_dismissed, []) WHERE x <> $id] + [$id] AS ids
SET me.notifications_dismissed = ids[-$keep..]
RETURN size(me.notifications_dismissed) AS dismissed
