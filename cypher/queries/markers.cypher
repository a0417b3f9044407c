/*
name: queries/markers
:params {user_id: 1}
*/
// Where the user stopped reading: see queries/markers_set.
MATCH (me:User {id: $user_id})
RETURN me.marker_home AS home, me.marker_home_at AS home_at,
       coalesce(me.marker_home_version, 0) AS home_version,
       me.notifications_read_up_to AS notifications,
       me.marker_notifications_at AS notifications_at,
       coalesce(me.marker_notifications_version, 0) AS notifications_version
