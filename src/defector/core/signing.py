"""The Ed25519 key that signs audit checkpoints, and the keys that verify them.

The signing key comes from ``DEFECTOR_AUDIT_SIGNING_KEY`` (base64 of the raw 32-byte key) or
from the file ``<state dir>/audit_signing_key`` (the same text, mode 0600). Development mode
creates the file on first use, as ``config.read_secret`` does for the secret key; production
refuses to sign or verify without it.

Only the public half is needed to verify: ``defector audit public-key`` prints it, and every
checkpoint printed by ``defector audit checkpoint`` carries it, so a kept checkpoint can be
checked offline. Keys are read on each use (checkpoints are rare), so a rotated key is
picked up without a restart. After a change of key, list the previous public keys in
``DEFECTOR_AUDIT_PREVIOUS_KEYS`` (comma-separated) or give them to ``defector audit verify
--public-key``, so that the checkpoints they signed still verify.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from defector.core import chain, config

ENV_NAME: Final = "DEFECTOR_AUDIT_SIGNING_KEY"
FILE_NAME: Final = "audit_signing_key"
#: Earlier public keys (base64, comma-separated) whose checkpoints still verify after a change.
PREVIOUS_KEYS_ENV: Final = "DEFECTOR_AUDIT_PREVIOUS_KEYS"


class SigningKeyError(config.ConfigurationError):
    """The audit signing key is missing or malformed, or a public key given is malformed."""


def key_path() -> Path:
    return config.state_dir() / FILE_NAME


def _parse(text: str, source: str) -> Ed25519PrivateKey:
    try:
        return chain.load_private_key(text)
    except (binascii.Error, ValueError):
        raise SigningKeyError(
            f"{source} is not an Ed25519 signing key (base64 of the raw 32 bytes)"
        ) from None


def _create(path: Path) -> str:
    """Write a new key to ``path`` (mode 0600); if another process wrote one first, use it."""
    return config.create_secret_file(path, chain.new_private_key_text())


def _configured() -> Ed25519PrivateKey | None:
    value = os.environ.get(ENV_NAME, "").strip()
    if value:
        return _parse(value, ENV_NAME)
    path = key_path()
    if path.exists():
        return _parse(path.read_text(encoding="ascii"), str(path))
    return None


def signing_key() -> Ed25519PrivateKey:
    """The key that signs checkpoints (created on first use in development mode)."""
    key = _configured()
    if key is not None:
        return key
    path = key_path()
    if getattr(settings, "PRODUCTION", False):
        raise SigningKeyError(
            f"the audit signing key is missing: set {ENV_NAME} or create {path} (mode 0600) "
            "with the base64 of a raw Ed25519 key"
        )
    return _parse(_create(path), str(path))


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key from its base64 raw form, or :class:`SigningKeyError`."""
    try:
        return chain.load_public_key(text.strip())
    except (binascii.Error, ValueError):
        raise SigningKeyError(
            f"{text.strip()[:60]!r} is not an Ed25519 public key (base64 of the raw 32 bytes)"
        ) from None


def verification_keys(extra: Iterable[str] = ()) -> dict[str, Ed25519PublicKey]:
    """The keys checkpoints may be signed by, by key id: this deployment's own (when its
    signing key is configured; verifying never creates one), its previous ones
    (``DEFECTOR_AUDIT_PREVIOUS_KEYS``) and any ``extra`` public keys given in base64. A key
    given in a checkpoint file is never trusted on that file's word."""
    keys: dict[str, Ed25519PublicKey] = {}
    own = _configured()
    if own is None and getattr(settings, "PRODUCTION", False):
        signing_key()  # raises: production must have its key
    if own is not None:
        keys[chain.key_id(own.public_key())] = own.public_key()
    for text in os.environ.get(PREVIOUS_KEYS_ENV, "").split(","):
        if text.strip():
            try:
                key = parse_public_key(text)
            except SigningKeyError as exc:
                raise SigningKeyError(f"{PREVIOUS_KEYS_ENV}: {exc}") from None
            keys[chain.key_id(key)] = key
    for text in extra:
        key = parse_public_key(text)
        keys[chain.key_id(key)] = key
    return keys
