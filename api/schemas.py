"""The models that validate the API's own request bodies and document its responses.

`/api/openapi.json` is generated from these classes by quart-schema. The request models the web
forms share (sign-up, profile, post text) live in graph/requests.py.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator
from quart import Response, current_app

from flock.core.ids import MAX_ID
from graph import avatars
from graph.requests import (  # noqa: F401 - shared with the web forms, documented here too
    DeleteAccountRequest,
    PostText,
    ProfilePatch,
    SignupRequest,
    Strict,
    invalid,
)

# ----------------------------------------------------------------------------- accounts


class TokenRequest(Strict):
    login: str = Field(description="Username or email")
    password: str


class RefreshRequest(Strict):
    refresh_token: str


class LogoutRequest(Strict):
    refresh_token: str | None = None


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str


class WithAvatar(BaseModel):
    """A user's face: `avatar_url` is made from `avatar_id` (or from the name, until then)."""

    avatar_id: str | None = None
    avatar_url: str = Field(description="96 px square (48 and 400 too for an uploaded one)")

    @model_validator(mode="before")
    @classmethod
    def avatar_url_from_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and "avatar_url" not in data:
            return {**data, "avatar_url": avatars.avatar_path(data)}
        return data


class PublicUser(WithAvatar):
    id: str
    banner_id: str | None = Field(
        default=None,
        description="Their banner, at /banners/{banner_id}/{600|1500}.jpg (3:1); null until set",
    )
    username: str
    display_name: str
    bio: str
    location: str
    website: str
    created_at: float
    follower_count: int
    following_count: int
    tweet_count: int
    followed_by_me: bool
    muted_by_me: bool = False
    follows_me: bool = Field(default=False, description="They follow the signed-in user")


class Me(PublicUser):
    email: str


# ----------------------------------------------------------------------------- posts


class NewPost(PostText):
    media_ids: list[str] = Field(
        default_factory=list, description="Up to 4 ids from POST /api/media, in display order"
    )

    @field_validator("media_ids")
    @classmethod
    def media_id_shape(cls, value: list[str]) -> list[str]:
        if len(value) > 4:
            raise invalid("Attach at most 4 images.")
        if not all(item.isdigit() and len(item) <= 19 for item in value):
            raise invalid("Use ids returned by POST /api/media.")
        return value

    def media(self) -> list[int]:
        return [int(item) for item in self.media_ids]


class NewTweet(NewPost):
    quote_id: str | None = Field(
        default=None, description="The id of a tweet or reply this tweet quotes (embedded)"
    )

    @field_validator("quote_id")
    @classmethod
    def quote_id_shape(cls, value: str | None) -> str | None:
        if value is not None and not (value.isdigit() and len(value) <= 19):
            raise invalid("Use the id of a tweet or reply.")
        if value is not None and int(value) > MAX_ID:
            raise invalid("Use the id of a tweet or reply.")
        return value

    def quote(self) -> int | None:
        return int(self.quote_id) if self.quote_id is not None else None


class MediaItem(BaseModel):
    id: str
    content_type: str = Field(description="The upload's type (what is served is JPEG or GIF)")
    width: int
    height: int
    url: str = Field(description="The image, at most 2048 px a side: JPEG (GIF if animated)")
    thumbnail_url: str = Field(description="At most 600 px a side: JPEG (GIF if animated)")
    description: str | None = Field(
        default=None, description="Alt text the poster wrote for it (null when none was)"
    )


class Author(BaseModel):
    id: str
    username: str
    display_name: str
    avatar_id: str | None = Field(
        default=None,
        description="Their picture, at /avatars/{avatar_id}/{48|96|400}.jpg; null until they "
        "upload one (a user's avatar_url is then a picture made from their name)",
    )


class LinkCard(BaseModel):
    url: str = Field(description="The link, as written in the post")
    title: str
    description: str
    site: str = Field(description="The site's name, or its host")
    image_url: str | None = Field(description="The page's picture (600 px at most), or null")
    image_width: int | None
    image_height: int | None


class QuotedPost(BaseModel):
    id: str
    kind: str = Field(description="tweet or reply")
    text: str | None
    created_at: float
    edited_at: float | None
    deleted: bool
    root_id: str
    in_reply_to_id: str | None
    in_reply_to_username: str | None = Field(
        default=None, description="A reply: the username of the author it answers"
    )
    author: Author | None
    media: list[MediaItem] = Field(default_factory=list)
    quote_id: str | None = Field(default=None, description="What the quoted post quotes, if any")
    card: LinkCard | None = Field(default=None, description="Its first link's preview card")
    like_count: int
    reply_count: int
    repost_count: int
    quote_count: int


class Post(BaseModel):
    id: str
    kind: str = Field(description="tweet or reply")
    text: str | None = Field(description="null when deleted")
    created_at: float
    edited_at: float | None
    deleted: bool
    root_id: str
    in_reply_to_id: str | None
    in_reply_to_username: str | None = Field(
        default=None, description="A reply: the username of the author it answers"
    )
    author: Author | None = Field(description="null when deleted")
    media: list[MediaItem] = Field(default_factory=list, description="Attached images, in order")
    quote_id: str | None = Field(default=None, description="The id of the post this one quotes")
    card: LinkCard | None = Field(
        default=None,
        description="A preview of its first link (title, description, picture), once fetched",
    )
    quote: QuotedPost | None = Field(
        default=None,
        description="The quoted post; null with a quote_id when it is deleted or hidden "
        "(show it as unavailable)",
    )
    like_count: int
    reply_count: int
    repost_count: int
    quote_count: int
    liked_by_me: bool
    reposted_by_me: bool
    bookmarked_by_me: bool
    entry_id: str | None = Field(
        default=None,
        description="Home timeline: this entry's place (the repost's id for a repost); "
        "next_max_id pages by it",
    )
    reposted_by: Author | None = Field(
        default=None, description="Home timeline: who reposted it, for a repost"
    )


class PostPage(BaseModel):
    items: list[Post]
    next_cursor: str | None
    next_max_id: str | None = None


def _fields(model: type[BaseModel]) -> list[tuple[str, bool, object]]:
    return [
        (name, field.is_required(), field.get_default(call_default_factory=True))
        for name, field in model.model_fields.items()
    ]


_POST_FIELDS = _fields(Post)
_QUOTED_FIELDS = _fields(QuotedPost)


def shaped_posts(posts: list[dict]) -> list[dict]:
    """Posts exactly as `Post` documents them (its fields, their defaults, nothing else),
    without a pydantic model per post: for the pages that must be fast (home and user
    timelines), whose posts Flock built itself (graph/post_views.py). The OpenAPI fuzz test
    checks these responses against the schema like every other."""
    return [_shaped(post, _POST_FIELDS) for post in posts]


def shaped_response(body: dict) -> Response:
    """A body Flock built and shaped itself, sent as it is: returned as a dict, quart-schema
    would walk it once more through a pydantic TypeAdapter made for each response."""
    return current_app.json.response(body)


def _shaped(post: dict, fields: list[tuple[str, bool, object]]) -> dict:
    shaped = {
        name: post[name] if required else post.get(name, default)
        for name, required, default in fields
    }
    if shaped.get("quote") is not None:
        shaped["quote"] = _shaped(shaped["quote"], _QUOTED_FIELDS)
    return shaped


class Thread(BaseModel):
    ancestors: list[Post]
    post: Post
    replies: list[Post]
    next_cursor: str | None


class Revision(BaseModel):
    text: str
    written_at: float
    replaced_at: float


class History(BaseModel):
    id: str
    text: str
    created_at: float
    edited_at: float | None
    revisions: list[Revision]


class LikeState(BaseModel):
    liked: bool
    like_count: int


class BlockState(BaseModel):
    username: str
    blocking: bool


class MuteState(BaseModel):
    username: str
    muting: bool


class BookmarkState(BaseModel):
    bookmarked: bool


class RepostState(BaseModel):
    reposted: bool
    repost_count: int
    post_id: str = Field(description="The post reposted (the original, when a repost was named)")


class UserCard(WithAvatar):
    id: str
    username: str
    display_name: str
    bio: str
    followed_by_me: bool


class UserPage(BaseModel):
    items: list[UserCard]
    next_cursor: str | None


class Suggestion(PublicUser):
    reason: str = Field(
        description="network (followed by people you follow), follows_you, engaged (you liked, "
        "reposted or answered their posts), community (central in your community) or popular"
    )
    mutual_count: int = Field(description="How many accounts you follow follow them")
    followed_by: list[str] = Field(description="Up to two of those accounts' usernames")


class Suggestions(BaseModel):
    items: list[Suggestion]


class Trend(BaseModel):
    hashtag: str
    score: float = Field(description="Uses in the last 24 hours, each halved every 6 hours")
    post_count: int


class Trends(BaseModel):
    items: list[Trend]


class SearchResults(BaseModel):
    type: str = Field(description="tweets or users: what `items` holds")
    items: list[Post] | list[PublicUser] = Field(description="Posts or users, best first")
    found: int = Field(
        description="How many of the best matches (up to 250) the caller may see: accounts "
        "blocked either way, or muted, and their posts are not counted"
    )
    page: int
    next_page: int | None


# ----------------------------------------------------------------------------- notifications


class Notification(BaseModel):
    id: str = Field(description="The id of its cause (the like, the reply...): orders the list")
    type: str = Field(description="like, repost, reply, mention, quote or follow")
    created_at: float
    unread: bool = Field(description="Newer than what was marked read")
    actor: Author = Field(description="Who did it")
    post: Post | None = Field(
        description="like, repost: your post; reply, mention, quote: their post; follow: null"
    )


class NotificationPage(BaseModel):
    items: list[Notification]
    next_cursor: str | None
    next_max_id: str | None = None


class UnreadCount(BaseModel):
    unread: int = Field(description="Notifications newer than the read mark, counted up to 100")


class MarkRead(Strict):
    up_to_id: str = Field(description="The id of the newest notification read")

    @field_validator("up_to_id")
    @classmethod
    def id_shape(cls, value: str) -> str:
        if not (value.isdigit() and len(value) <= 19 and int(value) <= MAX_ID):
            raise invalid("Use the id of a notification.")
        return value
