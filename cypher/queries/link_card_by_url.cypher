/*
name: queries/link_card_by_url
:params {url: "https://example.org/"}
*/
// The card kept for a link, and when it was fetched (a card is fetched once a day at most;
// a link that could not be shown keeps a card without a title, so it is not asked again soon).
MATCH (c:LinkCard {url: $url})
RETURN c.fetched_at AS fetched_at, c.title IS NOT NULL AS shown
