"""The models that validate request bodies (API and web forms alike) and document responses.

`/api/openapi.json` is generated from these same classes by quart-schema.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from pydantic_core import PydanticCustomError

from graph.passwords import is_common_password

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,15}$")
TWEET_MAX_CHARS = 280


def invalid(message: str) -> PydanticCustomError:
    """A validation error whose message is shown to the user as it is."""
    return PydanticCustomError("invalid", message)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Strict(BaseModel):
    """Unknown fields are errors, so a typo in a field name never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


# ----------------------------------------------------------------------------- accounts


class SignupRequest(Strict):
    username: str = Field(description="3 to 15 letters, digits or _; unique without case")
    email: EmailStr
    password: str = Field(description="10 to 128 characters, not a common password")
    display_name: str | None = Field(default=None, description="At most 50 characters")

    @field_validator("username")
    @classmethod
    def username_shape(cls, value: str) -> str:
        if not USERNAME_PATTERN.fullmatch(value):
            raise invalid("Use 3 to 15 letters, digits or underscores.")
        return value

    @field_validator("password")
    @classmethod
    def password_strength(cls, value: str) -> str:
        if len(value) < 10:
            raise invalid("Use at least 10 characters.")
        if len(value) > 128:
            raise invalid("Use at most 128 characters.")
        if is_common_password(value):
            raise invalid("This password is too common; choose another.")
        return value

    @field_validator("display_name")
    @classmethod
    def display_name_length(cls, value: str | None) -> str | None:
        return _bounded_text(value, 50)


class TokenRequest(Strict):
    login: str = Field(description="Username or email")
    password: str


class RefreshRequest(Strict):
    refresh_token: str


class LogoutRequest(Strict):
    refresh_token: str | None = None


class ProfilePatch(Strict):
    display_name: str | None = None
    bio: str | None = None
    location: str | None = None
    website: str | None = None

    @field_validator("display_name")
    @classmethod
    def display_name_length(cls, value: str | None) -> str | None:
        return _bounded_text(value, 50)

    @field_validator("bio")
    @classmethod
    def bio_length(cls, value: str | None) -> str | None:
        return _bounded_text(value, 160)

    @field_validator("location")
    @classmethod
    def location_length(cls, value: str | None) -> str | None:
        return _bounded_text(value, 30)

    @field_validator("website")
    @classmethod
    def website_url(cls, value: str | None) -> str | None:
        value = _bounded_text(value, 100)
        if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value, re.IGNORECASE):
            raise invalid("Use a full http:// or https:// address.")
        return value


class DeleteAccountRequest(Strict):
    password: str


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str


class PublicUser(BaseModel):
    id: str
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


class Me(PublicUser):
    email: str


# ----------------------------------------------------------------------------- posts


class PostText(Strict):
    text: str = Field(description="1 to 280 characters after Unicode NFC normalisation")

    @field_validator("text")
    @classmethod
    def text_shape(cls, value: str) -> str:
        value = nfc(value)
        if not value.strip():
            raise invalid("Write something first.")
        if len(value) > TWEET_MAX_CHARS:
            raise invalid(f"Use at most {TWEET_MAX_CHARS} characters ({len(value)} now).")
        return value


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


class MediaItem(BaseModel):
    id: str
    content_type: str = Field(description="The upload's type (what is served is JPEG or GIF)")
    width: int
    height: int
    url: str = Field(description="The image, at most 2048 px a side: JPEG (GIF if animated)")
    thumbnail_url: str = Field(description="At most 600 px a side: JPEG (GIF if animated)")


class Author(BaseModel):
    id: str
    username: str
    display_name: str


class Post(BaseModel):
    id: str
    kind: str = Field(description="tweet or reply")
    text: str | None = Field(description="null when deleted")
    created_at: float
    edited_at: float | None
    deleted: bool
    root_id: str
    in_reply_to_id: str | None
    author: Author | None = Field(description="null when deleted")
    media: list[MediaItem] = Field(default_factory=list, description="Attached images, in order")
    like_count: int
    reply_count: int
    liked_by_me: bool


class PostPage(BaseModel):
    items: list[Post]
    next_cursor: str | None
    next_max_id: str | None = None


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


class UserCard(BaseModel):
    id: str
    username: str
    display_name: str
    bio: str
    followed_by_me: bool


class UserPage(BaseModel):
    items: list[UserCard]
    next_cursor: str | None


class Suggestion(PublicUser):
    reason: str = Field(description="network (followed by people you follow) or popular")
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
    found: int = Field(description="How many documents matched (posts: ranked up to 250)")
    page: int
    next_page: int | None


# ----------------------------------------------------------------------------- helpers


def _bounded_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = nfc(value).strip()
    if len(value) > limit:
        raise invalid(f"Use at most {limit} characters.")
    return value
