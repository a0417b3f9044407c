/*
name: queries/markers_set
:params {user_id: 1, home: 1, notifications: null, now: 1764201600.0}
*/
// Where the user stopped reading (Mastodon's markers): the home timeline's last read entry,
// and the notifications' (the same read mark the unread count uses). A null leaves one as it is.
MATCH (me:User {id: $user_id})
SET me.marker_home = coalesce($home, me.marker_home),
    me.marker_home_at = CASE WHEN $home IS NULL THEN me.marker_home_at ELSE $now END,
    me.marker_home_version = coalesce(me.marker_home_version, 0)
                             + CASE WHEN $home IS NULL THEN 0 ELSE 1 END,
    me.notifications_read_up_to = coalesce($notifications, me.notifications_read_up_to),
    me.marker_notifications_at = CASE WHEN $notifications IS NULL THEN me.marker_notifications_at
                                      ELSE $now END,
    me.marker_notifications_version = coalesce(me.marker_notifications_version, 0)
                             + CASE WHEN $notifications IS NULL THEN 0 ELSE 1 END
RETURN me.marker_home AS home, me.marker_home_at AS home_at,
       me.marker_home_version AS home_version,
       me.notifications_read_up_to AS notifications,
       me.marker_notifications_at AS notifications_at,
       me.marker_notifications_version AS notifications_version
