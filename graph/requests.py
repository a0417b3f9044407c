"""The request models both faces validate with: the JSON API's bodies and the web's forms.

A field error's message is shown to the person as it is; `field_errors` turns pydantic's errors
into `{field: [messages]}` for the API's problem details and the forms alike.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator
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


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: str) -> str:
    """The address a request came from: the peer, or when the peer is one of the trusted
    proxies (FLOCK_TRUSTED_PROXIES), the nearest address in X-Forwarded-For that is not one of
    them. A client cannot choose its address for rate limits by sending the header itself."""
    trusted = [
        ipaddress.ip_network(item.strip(), strict=False)
        for item in trusted_proxies.split(",")
        if item.strip()
    ]

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    if not forwarded_for or not is_trusted(peer):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if not is_trusted(hop):
            return hop
    return peer


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """Pydantic's errors by field name, with messages fit to show a person."""
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "body"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "Unknown field."
        elif item["type"] == "missing":
            message = "This field is required."
        elif field.endswith("email") and item["type"] == "value_error":
            message = "Enter an e-mail address like name@example.org."  # not the library's words
        errors.setdefault(field, []).append(message)
    return errors


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
        if value and re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)?", value, re.I):
            value = f"https://{value}"  # "example.org" is what people type
        if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value, re.IGNORECASE):
            raise invalid("Enter a web address like example.org or https://example.org.")
        return value


class DeleteAccountRequest(Strict):
    password: str


class EmailChange(Strict):
    email: EmailStr
    current_password: str


class PasswordChange(Strict):
    current_password: str
    new_password: str = Field(description="10 to 128 characters, not a common password")

    @field_validator("new_password")
    @classmethod
    def password_strength(cls, value: str) -> str:
        return SignupRequest.password_strength(value)


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


# ----------------------------------------------------------------------------- helpers


def _bounded_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = nfc(value).strip()
    if len(value) > limit:
        raise invalid(f"Use at most {limit} characters.")
    return value
