"""The one door for what follows a write: every domain event and all of its effects.

A use case in `graph/` stores its change with its named Cypher statement, then announces what
happened by calling one function here, with the ids the effects need (read before anything they
depend on was deleted). Each function lists every effect of its event, top to bottom: the caches
invalidated now (so the next read is right), then the tasks queued for the worker (fan-out,
indexing, media, suggestions). To learn what follows a post, read `post_created`.

(After Mastodon's `PostStatusService#postprocess_status!` and GoToSocial's
`workers/fromclientapi.go`.)
"""

from __future__ import annotations

from rq import Retry

from flock.core.backends import Backends
from jobs.queue import enqueue_async
from jobs.stores import feeds, live, post_cache
from jobs.stores.feeds import Entry
from jobs.tasks import feeds as feed_tasks
from jobs.tasks import link_cards as link_card_tasks
from jobs.tasks import media as media_tasks
from jobs.tasks import search as search_tasks
from jobs.tasks import suggestions as suggestion_tasks

# Index tasks retry for about nine minutes, which covers a Typesense restart; a longer outage is
# repaired by `flock search reindex`.
SEARCH_RETRY = Retry(max=8, interval=[1, 2, 5, 10, 30, 60, 120, 300])


# ----------------------------------------------------------------------------- posts


async def post_created(
    b: Backends,
    post_id: int,
    author_id: int,
    parent_id: int | None,
    quote_id: int | None = None,
    notify_ids: list[int] = (),
    tags: list[str] = (),
    link: str | None = None,
) -> None:
    """A tweet or a reply (to `parent_id`) was stored, perhaps quoting `quote_id`, tagged with
    `tags`, its first web `link` to be shown as a card; those it mentions, answers or quotes
    (`notify_ids`) are told."""
    if parent_id is None:
        await feeds.push_own_post(b.redis, b.settings, author_id, post_id)  # seen at once
    await post_cache.forget_posts(b.redis, _ids([parent_id, quote_id]))  # their counts
    kind = "reply" if parent_id else "quote" if quote_id else "mention"
    await _notify(b, notify_ids, kind, author_id, post_id)
    await live.publish_public(b.redis, "update", post_id, tags, public=parent_id is None)
    await enqueue_async(b.settings, feed_tasks.fan_out_post, post_id)
    await _index_posts(b, [post_id, parent_id])
    if link and b.settings.link_cards:
        await enqueue_async(b.settings, link_card_tasks.attach_link_card, post_id, link)


async def post_edited(b: Backends, post_id: int, link: str | None) -> None:
    """A post's text changed (the earlier text is in its history); its card follows its
    first `link` (or goes, with none)."""
    await post_cache.forget_posts(b.redis, [post_id])
    await live.publish_public(b.redis, "status.update", post_id, ())
    await _index_posts(b, [post_id])
    if b.settings.link_cards:
        await enqueue_async(b.settings, link_card_tasks.attach_link_card, post_id, link)


async def post_images_described(b: Backends, post_id: int) -> None:
    """The alt text of a post's image changed: its copy and open streams show the new one."""
    await post_cache.forget_posts(b.redis, [post_id])
    await live.publish_public(b.redis, "status.update", post_id, ())


async def post_deleted(
    b: Backends,
    post_id: int,
    author_id: int,
    parent_id: int | None,
    media_ids: list[int],
    quote_id: int | None = None,
) -> None:
    """A post was deleted (a tombstone stays where others replied); its reposts go with it."""
    await post_cache.forget_posts(b.redis, _ids([post_id, parent_id, quote_id]))  # counts
    await live.publish_public(b.redis, "delete", post_id, ())
    await enqueue_async(b.settings, feed_tasks.remove_post, post_id, author_id)
    if media_ids:
        await enqueue_async(b.settings, media_tasks.delete_media_objects, media_ids)
    await _index_posts(b, [post_id, parent_id])


async def media_uploaded(b: Backends, media_id: int) -> None:
    """An image was stored as uploaded: render the versions that are served."""
    await enqueue_async(b.settings, media_tasks.make_served_versions, media_id)


# ----------------------------------------------------------------------------- likes


async def liked(b: Backends, user_id: int, post_id: int, notify_ids: list[int] = ()) -> None:
    """A user liked a post (again: the same effects, and nobody is told twice)."""
    await post_cache.forget_mark(b.redis, user_id, post_id)  # its count, their marks
    await _notify(b, notify_ids, "like", user_id, post_id)
    await _index_posts(b, [post_id])  # its like count ranks search


async def unliked(b: Backends, user_id: int, post_id: int) -> None:
    """A user took a like back."""
    await post_cache.forget_mark(b.redis, user_id, post_id)
    await _index_posts(b, [post_id])


async def bookmarked(b: Backends, user_id: int, post_id: int) -> None:
    """A user bookmarked a post, or took the bookmark back."""
    await post_cache.forget_mark(b.redis, user_id, post_id)  # their marks


# ----------------------------------------------------------------------------- reposts


async def reposted(
    b: Backends, user_id: int, post_id: int, repost_id: int, notify_ids: list[int] = ()
) -> None:
    """A user reposted a post: it reaches their followers' timelines like a post of theirs."""
    await post_cache.forget_mark(b.redis, user_id, post_id)  # its count, their marks
    await _notify(b, notify_ids, "repost", user_id, post_id)
    await feeds.push_own_repost(b.redis, b.settings, Entry(repost_id, post_id, user_id))
    await enqueue_async(b.settings, feed_tasks.fan_out_repost, repost_id)


async def unreposted(b: Backends, user_id: int, post_id: int, repost_id: int) -> None:
    """A user took a repost back: it leaves every feed it reached."""
    await post_cache.forget_mark(b.redis, user_id, post_id)
    await enqueue_async(b.settings, feed_tasks.withdraw_repost, repost_id, post_id, user_id)


# ----------------------------------------------------------------------------- follows


async def followed(
    b: Backends, follower_id: int, followee_id: int, follower_count: int, notify: bool = False
) -> None:
    """A user followed another, who now has `follower_count` followers (and is told, if
    `notify`)."""
    if notify:
        await _notify(b, [followee_id], "follow", follower_id, None)
    await _rebuild_feed(b, follower_id)  # their posts now belong in the follower's feed
    await feeds.note_follower_count(b.redis, b.settings, followee_id, follower_count)
    await _index_users(b, [followee_id])  # the follower count ranks search
    await enqueue_async(b.settings, suggestion_tasks.refresh_suggestions, follower_id)


async def unfollowed(b: Backends, follower_id: int, followee_id: int) -> None:
    """A user stopped following another."""
    await _rebuild_feed(b, follower_id)
    await _index_users(b, [followee_id])
    await enqueue_async(b.settings, suggestion_tasks.refresh_suggestions, follower_id)


# ----------------------------------------------------------------------------- blocks, mutes


async def blocked(b: Backends, user_id: int, target_id: int) -> None:
    """Two accounts now hide each other everywhere; their follows both ways have ended."""
    await post_cache.forget_hidden(b.redis, [user_id, target_id])
    for who in (user_id, target_id):
        await _rebuild_feed(b, who)  # each other's posts and reposts leave
        await enqueue_async(b.settings, suggestion_tasks.refresh_suggestions, who)
    await _index_users(b, [user_id, target_id])  # follower counts


async def unblocked(b: Backends, user_id: int, target_id: int) -> None:
    """A block ended (the follows it ended stay ended)."""
    await post_cache.forget_hidden(b.redis, [user_id, target_id])
    for who in (user_id, target_id):
        await _rebuild_feed(b, who)  # reposts by others of each other's posts come back
        await enqueue_async(b.settings, suggestion_tasks.refresh_suggestions, who)


async def muted(b: Backends, user_id: int, target_id: int) -> None:
    """A user muted or unmuted another: only the muter's home timeline changes."""
    await _rebuild_feed(b, user_id)


# ----------------------------------------------------------------------------- accounts


async def signed_up(b: Backends, user_id: int) -> None:
    await _index_users(b, [user_id])


async def profile_changed(b: Backends, user_id: int) -> None:
    """A display name, bio, location or website changed."""
    await post_cache.forget_card(b.redis, user_id)  # the name on their posts
    await _index_users(b, [user_id])


async def account_deleted(
    b: Backends,
    user_id: int,
    post_ids: list[int],
    touched_post_ids: list[int],
    reposts: list[list[int]],
    followed_ids: list[int],
    follower_ids: list[int],
    media_ids: list[int],
) -> None:
    """An account is gone with what it wrote, liked, reposted and followed. `touched_post_ids`:
    others' posts whose counts it changed; `reposts`: its [repost id, post id] pairs;
    `followed_ids` and `follower_ids`: the accounts at both ends of its follows, read before
    those were deleted."""
    await post_cache.forget_account(b.redis, user_id, post_ids + touched_post_ids)
    await enqueue_async(
        b.settings, feed_tasks.remove_account_posts, user_id, post_ids, follower_ids, reposts
    )
    if media_ids:
        await enqueue_async(b.settings, media_tasks.delete_media_objects, media_ids)
    await _index_users(b, [user_id, *followed_ids])
    await _index_posts(b, post_ids + touched_post_ids)


# ----------------------------------------------------------------------------- reading


async def feed_missing(b: Backends, user_id: int) -> None:
    """A read found no feed: have it built, once, while reads take the Cypher path."""
    if await feeds.claim_rebuild(b.redis, user_id):
        await enqueue_async(b.settings, feed_tasks.regenerate_feed, user_id)


async def user_returned(b: Backends, user_id: int) -> None:
    """A user came back after fan-out stopped serving them: whatever feed is left is stale."""
    await _rebuild_feed(b, user_id)


# ----------------------------------------------------------------------------- shared effects


async def _notify(b: Backends, user_ids, kind: str, actor_id: int, post_id: int | None) -> None:
    """Tell these users' open streams that they have a new notification (a hint: the list
    itself is read from the graph, graph/notifications.py)."""
    data = {"type": kind, "actor_id": str(actor_id), "post_id": str(post_id) if post_id else None}
    await live.publish(b.redis, [u for u in user_ids if u != actor_id], "notification", data)


async def _rebuild_feed(b: Backends, user_id: int) -> None:
    """Drop the feed (reads go to Cypher, always right) and queue its rebuild."""
    await feeds.drop_feed(b.redis, user_id)
    await enqueue_async(b.settings, feed_tasks.regenerate_feed, user_id)


async def _index_posts(b: Backends, post_ids: list[int | None]) -> None:
    """One index task for all the posts an event changed."""
    if ids := _ids(post_ids):
        await enqueue_async(b.settings, search_tasks.index_posts, ids, retry=SEARCH_RETRY)


async def _index_users(b: Backends, user_ids: list[int]) -> None:
    if ids := _ids(user_ids):
        await enqueue_async(b.settings, search_tasks.index_users, ids, retry=SEARCH_RETRY)


def _ids(ids: list[int | None]) -> list[int]:
    """The ids given, without None and repeats, in their order."""
    return list(dict.fromkeys(i for i in ids if i is not None))
