"""The blind index's keys and digests (CipherSweet's technique), with no database.

A name is never stored in clear for a case subject. What the index keeps, for each blocking key
of a name (``matching.blocking_keys``: normalised and phonetic keys under which two spellings of
one person meet), is ``HMAC-SHA256(index key, blocking key)``, truncated to
:data:`DIGEST_BYTES` bytes. The index key is derived from a sealing key with HKDF-SHA256 and a
purpose of its own (:data:`PURPOSE`), so the index key is never a sealing key, and the sealing
keys never leave the keyring. Each index row names the sealing key its index key came from:
after ``rotate-keys --new-key`` the search still finds rows under the older key (it hashes
the query under every key the index uses), and ``reindex-traces`` moves them to the primary.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from typing import Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from defector.core.sealing import SealingError, keyring
from defector.traces.matching import blocking_keys

#: What the derived key is for: a key derived for another purpose never equals it.
PURPOSE: Final = b"defector.traces blind index v1"
#: Bytes of each digest kept (128 bits: no accidental collisions among millions of keys).
DIGEST_BYTES: Final = 16


@functools.lru_cache(maxsize=16)
def _derive(key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(key)


#: SHA-256's block size, in bytes: HMAC pads its key to it (RFC 2104).
_BLOCK: Final = 64


@functools.lru_cache(maxsize=16)
def _pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """HMAC-SHA256's inner and outer hashes of ``key`` (RFC 2104: the key, hashed first if
    longer than a block, padded with zeros to a block, XORed with ``0x36`` and ``0x5c``),
    each having absorbed its padded key: what ``hmac`` computes again for every message, done
    once per key. A digest copies them (:func:`digest`)."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))
    return inner, outer


def index_key(key_id: str) -> bytes:
    """The index key derived from the sealing key ``key_id`` (which must be in the keyring)."""
    ring = keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise SealingError(f"sealing key {key_id!r} is not in the keyring")
    return _derive(key)


def primary_key_id() -> str:
    return keyring().primary


def known_key_ids() -> set[str]:
    return set(keyring().keys)


def digest(key: bytes, blocking_key: str) -> str:
    """The keyed hash of one blocking key, in hex: ``HMAC-SHA256(key, blocking_key)`` (the same
    bytes as ``hmac.new(key, blocking_key, sha256)``, whose set-up of the key for each message
    costs more than the hash: :func:`_pads` does it once per key)."""
    inner_start, outer_start = _pads(key)
    inner = inner_start.copy()
    inner.update(blocking_key.encode("utf-8"))
    outer = outer_start.copy()
    outer.update(inner.digest())
    return outer.digest()[:DIGEST_BYTES].hex()


def keys_of(names: Iterable[str]) -> set[str]:
    """Every blocking key of ``names``."""
    found: set[str] = set()
    for name in names:
        if name.strip():
            found |= blocking_keys(name)
    return found


def digests_of(names: Iterable[str], key_id: str) -> set[str]:
    """The digests under which ``names`` are indexed with the key derived from ``key_id``."""
    key = index_key(key_id)
    return {digest(key, blocking_key) for blocking_key in keys_of(names)}
