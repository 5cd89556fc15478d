"""Encryption at rest for 举报 texts, attachments and sealed identities.

The keys live in the environment (ZUGONG_SUPERVISION_KEYS), never in the database: a stolen
database or backup alone reveals no report. Several keys may be listed, newest first; reading tries
each, writing uses the first, and `manage.py supervision_rotate_keys` re-encrypts every stored value
under the first key so an old key can then be removed (docs/supervision.md, key rotation).

This protects data at rest (disk, backup, a database administrator), not against a compromised
running server, which holds the keys (supervision.md §0.6).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SealError(Exception):
    """A stored value could not be decrypted with any configured key."""


def _derived_key(secret: str) -> bytes:
    # Development and tests only: a key derived from SECRET_KEY (settings refuse this in production).
    return base64.urlsafe_b64encode(
        hashlib.sha256(b"zugong-supervision:" + secret.encode()).digest()
    )


@lru_cache(maxsize=1)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("ZUGONG_SUPERVISION_KEYS 未配置：举报内容必须加密存储。")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "ZUGONG_SUPERVISION_KEYS 中的密钥格式不正确（应为 Fernet 密钥，32 字节 URL-safe Base64）。"
        ) from exc


def cipher() -> MultiFernet:
    keys = tuple(settings.ZUGONG_SUPERVISION_KEYS) or (_derived_key(settings.SECRET_KEY).decode(),)
    return _cipher(keys)


def seal_bytes(data: bytes) -> bytes:
    return cipher().encrypt(data)


def unseal_bytes(token: bytes) -> bytes:
    try:
        return cipher().decrypt(token)
    except InvalidToken as exc:
        raise SealError("无法解密：密钥不匹配或数据已损坏。") from exc


def seal(text: str) -> str:
    """`text` encrypted; the empty string stays empty (nothing to hide, nothing to store)."""
    return seal_bytes(text.encode()).decode() if text else ""


def unseal(token: str) -> str:
    return unseal_bytes(token.encode()).decode() if token else ""


def reseal(token: str) -> str:
    """The same plaintext under the newest key (key rotation)."""
    return cipher().rotate(token.encode()).decode() if token else ""


def reseal_bytes(token: bytes) -> bytes:
    return cipher().rotate(token)


def new_key() -> str:
    return Fernet.generate_key().decode()
