"""Encryption at rest for marketplace API tokens.

The key comes from ``settings.FIELD_ENCRYPTION_KEY`` or the environment variable of that
name (a urlsafe-base64 Fernet key: ``python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"``; set it in production so rotating ``SECRET_KEY`` does not lose the tokens)
or, when that is empty, is derived from ``SECRET_KEY`` with HKDF-SHA256. Plain tokens
live only in memory for the duration of one request to the marketplace.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_HKDF_INFO = b"sellerdesk.marketplaces.token.v1"


class TokenDecryptError(Exception):
    """The stored token cannot be read with the current key (key changed or data damaged)."""


@lru_cache(maxsize=4)
def _fernet(secret_key: str, explicit_key: str) -> Fernet:
    if explicit_key:
        return Fernet(explicit_key.encode())
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _current_fernet() -> Fernet:
    return _fernet(settings.SECRET_KEY, settings.FIELD_ENCRYPTION_KEY)


def token_encrypt(plain: str) -> str:
    return _current_fernet().encrypt(plain.encode()).decode()


def token_decrypt(stored: str) -> str:
    try:
        return _current_fernet().decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise TokenDecryptError("stored marketplace token cannot be decrypted") from error


def token_fingerprint(plain: str) -> str:
    """A stable, non-reversible name for a token: rate-limit keys and logs use this."""
    return hashlib.sha256(plain.encode()).hexdigest()[:16]


class SecretToken(str):
    """A str whose repr never shows the secret, so tracebacks and logs stay clean."""

    def __repr__(self) -> str:
        return "SecretToken('***')"
