/*
name: queries/user_ids_by_usernames
:params {usernames: ["ann", "bob"]}
*/
// The ids of the accounts with these usernames (any case); unknown names are left out.
UNWIND $usernames AS name
MATCH (u:User {username_key: toLower(name)})
RETURN u.username AS username, u.id AS id
