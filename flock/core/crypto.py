"""Encryption at rest done by Flock itself: personal data in the graph and image originals.

What Flock never searches by substring is encrypted with AES-256-GCM (`cryptography`, an
authenticated cipher: a changed byte is refused, not misread) under FLOCK_DATA_KEY:

- text (an e-mail address) becomes `enc1:<key id>:<base64url(nonce | ciphertext)>`, bound to
  what it is (`purpose`, authenticated data), so one field's value cannot be moved to another;
- bytes (an image original) become `FLKE1 <key id length> <key id> <nonce> <ciphertext>`.

FLOCK_DATA_KEY is one or more `<key id>:<base64url of 32 bytes>`, comma-separated: the first
encrypts, every one decrypts, so keys rotate (`flock keys rotate` re-encrypts what an older key
holds, in batches, while the site runs). A value stored before encryption (no prefix) is read
as it is and encrypted by the next rotation.

Looking an address up (log-in by e-mail, its uniqueness) goes through a keyed blind index:
HMAC-SHA256 of the lower-cased address under FLOCK_DATA_INDEX_KEY, never the address itself.
The embedded stack generates both keys under var/ (`data-key`, `data-index-key`); backups never
hold them (docs/operations.md says where to keep them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from flock.core.settings import Settings

TEXT_PREFIX = "enc1:"
BYTES_MAGIC = b"FLKE1"
NONCE_BYTES = 12


class KeyMissing(Exception):
    """A value was encrypted under a key id that FLOCK_DATA_KEY does not hold, or the key
    given does not open it."""


class DataCipher:
    def __init__(self, data_key: str, index_key: str):
        self.keys: dict[str, AESGCM] = {}
        for item in (part.strip() for part in data_key.split(",") if part.strip()):
            key_id, sep, encoded = item.partition(":")
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)) if sep else b""
            if not key_id or len(raw) != 32:
                raise ValueError("FLOCK_DATA_KEY holds <key id>:<base64url of 32 bytes>, ...")
            self.keys[key_id] = AESGCM(raw)
        if not self.keys:
            raise ValueError("FLOCK_DATA_KEY is not set")
        if not index_key:
            raise ValueError("FLOCK_DATA_INDEX_KEY is not set")
        self.current = next(iter(self.keys))
        self.index_key = index_key.encode()

    # ------------------------------------------------------------------------- text

    def encrypt_text(self, text: str, purpose: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.keys[self.current].encrypt(nonce, text.encode(), purpose.encode())
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{TEXT_PREFIX}{self.current}:{body}"

    def decrypt_text(self, value: str | None, purpose: str) -> str | None:
        """The plain text; a value stored before encryption comes back as it is."""
        if value is None or not value.startswith(TEXT_PREFIX):
            return value
        key_id, _, body = value[len(TEXT_PREFIX) :].partition(":")
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return self._open(key_id, sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], purpose).decode()

    @staticmethod
    def key_id_of(value: str | None) -> str | None:
        """The key a stored text is encrypted under (None: not encrypted)."""
        if value is None or not value.startswith(TEXT_PREFIX):
            return None
        return value[len(TEXT_PREFIX) :].partition(":")[0]

    def blind_index(self, text: str) -> str:
        """The keyed lookup value of a text, without regard to case."""
        return hmac.new(self.index_key, text.lower().encode(), hashlib.sha256).hexdigest()

    # ------------------------------------------------------------------------- bytes

    def encrypt_bytes(self, data: bytes, purpose: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        key_id = self.current.encode()
        sealed = self.keys[self.current].encrypt(nonce, data, purpose.encode())
        return BYTES_MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed

    def decrypt_bytes(self, data: bytes, purpose: str) -> bytes:
        """The plain bytes; bytes stored before encryption come back as they are."""
        if not data.startswith(BYTES_MAGIC):
            return data
        length = data[len(BYTES_MAGIC)]
        start = len(BYTES_MAGIC) + 1
        key_id = data[start : start + length].decode()
        nonce = data[start + length : start + length + NONCE_BYTES]
        return self._open(key_id, nonce, data[start + length + NONCE_BYTES :], purpose)

    @staticmethod
    def key_id_of_bytes(data: bytes) -> str | None:
        """The key stored bytes are encrypted under (None: not encrypted)."""
        if not data.startswith(BYTES_MAGIC):
            return None
        length = data[len(BYTES_MAGIC)]
        return data[len(BYTES_MAGIC) + 1 : len(BYTES_MAGIC) + 1 + length].decode()

    def _open(self, key_id: str, nonce: bytes, sealed: bytes, purpose: str) -> bytes:
        key = self.keys.get(key_id)
        if key is None:
            raise KeyMissing(f"FLOCK_DATA_KEY holds no key {key_id!r}")
        try:
            return key.decrypt(nonce, sealed, purpose.encode())
        except InvalidTag:
            raise KeyMissing(f"the key {key_id!r} of FLOCK_DATA_KEY does not open this") from None


@cache
def data_cipher(settings: Settings) -> DataCipher:
    """The cipher of these settings' keys."""
    return DataCipher(settings.data_key, settings.data_index_key)
