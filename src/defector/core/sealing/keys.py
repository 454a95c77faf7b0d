"""Sealing keys: the keyring (AES-256-GCM), where it comes from, and the key file.

Keys come from ``DEFECTOR_SEALING_KEYS`` (JSON) or the key file ``<state dir>/sealing_keys.json``
(mode 0600) — never the database or the settings module. The key file holds several keys and
names one primary: new values are sealed with the primary. A process notices a rewritten key
file on its next seal or open.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from defector.core import config

FORMAT: Final = "v1"
KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
KEYS_ENV: Final = "DEFECTOR_SEALING_KEYS"
KEY_FILE: Final = "sealing_keys.json"
#: Key ids are short lower-case names (``k1``, ``k2`` …): they appear in every token, and a
#: case-insensitive ``LIKE`` (SQLite's) must not confuse two of them.
KEY_ID: Final = re.compile(r"[a-z0-9]{1,32}")
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]+")

#: Shortest and longest reason a user may state for revealing a sealed value.
MIN_REASON_LENGTH: Final = 10
MAX_REASON_LENGTH: Final = 2000
#: Rows re-sealed per transaction by ``rotate-keys`` unless told otherwise.
DEFAULT_BATCH_SIZE: Final = 500


class SealingError(Exception):
    """A sealed value could not be opened (wrong or missing key, tampering, wrong place), or
    the keys are missing, malformed or cannot be changed as asked."""


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64d(text: str) -> bytes:
    """Strict decoding: only the URL-safe alphabet, and only the one canonical spelling (so a
    changed character always changes the bytes, and so fails authentication)."""
    if not _BASE64URL.fullmatch(text):
        raise ValueError("not URL-safe base64")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64e(data) != text:
        raise ValueError("not canonical base64")
    return data


# --- keys -------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Keyring:
    """The sealing keys by id, and the id of the primary key. Its repr shows ids, never keys."""

    primary: str
    keys: dict[str, bytes]
    _ciphers: dict[str, AESGCM] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not isinstance(key_id, str) or not KEY_ID.fullmatch(key_id):
                raise SealingError(
                    f"sealing key id {key_id!r} must be 1-32 lower-case letters and digits"
                )
            if len(key) != KEY_BYTES:
                raise SealingError(f"sealing key {key_id!r} is not {KEY_BYTES} bytes")
        if self.primary not in self.keys:
            raise SealingError(f"the primary sealing key {self.primary!r} is not in the keyring")
        object.__setattr__(self, "keys", dict(self.keys))
        object.__setattr__(self, "_ciphers", {k: AESGCM(v) for k, v in self.keys.items()})

    def __repr__(self) -> str:
        return f"<Keyring primary={self.primary} keys={','.join(sorted(self.keys))}>"

    @classmethod
    def generate(cls, key_id: str = "k1") -> Keyring:
        """A keyring with one new random key, the primary."""
        return cls(primary=key_id, keys={key_id: AESGCM.generate_key(256)})

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """``{"primary": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"}}``."""
        try:
            data = json.loads(text)
            keys = {str(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()}
            return cls(primary=str(data["primary"]), keys=keys)
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
            # The message names what is wrong, never the key material.
            kind = type(exc).__name__
            raise SealingError(f"the sealing keyring is malformed ({kind})") from None

    def to_json(self) -> str:
        keys = {k: base64.b64encode(v).decode("ascii") for k, v in sorted(self.keys.items())}
        return json.dumps({"primary": self.primary, "keys": keys}, indent=2) + "\n"

    def with_new_primary(self) -> Keyring:
        """A keyring with one more key, which becomes the primary; the old keys stay."""
        number = len(self.keys) + 1
        while f"k{number}" in self.keys:
            number += 1
        key_id = f"k{number}"
        return Keyring(primary=key_id, keys={**self.keys, key_id: AESGCM.generate_key(256)})

    def without(self, key_id: str) -> Keyring:
        """A keyring without ``key_id`` (which must not be the primary)."""
        if key_id == self.primary:
            raise SealingError(f"{key_id} is the primary key; make another key primary first")
        if key_id not in self.keys:
            raise SealingError(f"there is no sealing key {key_id!r}")
        return Keyring(
            primary=self.primary, keys={k: v for k, v in self.keys.items() if k != key_id}
        )

    def seal(self, plaintext: str, associated: bytes) -> str:
        """Encrypt ``plaintext`` with the primary key, bound to ``associated``."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        ciphertext = self._ciphers[self.primary].encrypt(
            nonce, plaintext.encode("utf-8"), _header(self.primary) + associated
        )
        return ".".join((FORMAT, self.primary, _b64e(nonce), _b64e(ciphertext)))

    def open(self, token: str, associated: bytes) -> str:
        """The plaintext of ``token``; :class:`SealingError` unless it opens exactly."""
        parts = token.split(".") if isinstance(token, str) else []
        if len(parts) != 4 or parts[0] != FORMAT:
            raise SealingError("not a sealed value")
        _, key_id, nonce_text, ciphertext_text = parts
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise SealingError(f"sealed with key {key_id!r}, which is not in the keyring")
        try:
            nonce, ciphertext = _b64d(nonce_text), _b64d(ciphertext_text)
            if len(nonce) != NONCE_BYTES or len(ciphertext) < TAG_BYTES:
                raise ValueError("wrong length")
            clear = cipher.decrypt(nonce, ciphertext, _header(key_id) + associated)
            return clear.decode("utf-8")
        except (InvalidTag, ValueError):  # binascii.Error and UnicodeError are ValueErrors
            raise SealingError(
                "the sealed value does not open: tampered, moved, or sealed with another key"
            ) from None


def _header(key_id: str) -> bytes:
    """The start of every associated data: the format and the key id."""
    return f"{FORMAT}.{key_id}|".encode("ascii")


@dataclass(frozen=True)
class _Loaded:
    ring: Keyring
    #: Where it came from: ("environment", digest) or ("file", path, inode, mtime, size).
    signature: tuple[object, ...]


_loaded: _Loaded | None = None
_keyring_lock = threading.Lock()


def key_file() -> Path:
    return _key_file(os.environ.get("DEFECTOR_STATE_DIR", ""))


@functools.lru_cache(maxsize=8)
def _key_file(state_dir_setting: str) -> Path:
    # Resolving the state directory is the slow part of finding the file (each seal and
    # open looks): once per value of the setting.
    return config.state_dir() / KEY_FILE


def _production() -> bool:
    return config.env_str("DEFECTOR_ENV", "development") == "production"


def _signature() -> tuple[object, ...]:
    from_env = os.environ.get(KEYS_ENV)
    if from_env:
        return ("environment", hashlib.sha256(from_env.encode("utf-8")).hexdigest())
    path = key_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ("file", str(path), None)
    return ("file", str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def keyring() -> Keyring:
    """The process's keyring: from ``DEFECTOR_SEALING_KEYS``, else the key file (created on
    first use in development; production refuses to run without keys).

    The key file is checked on every call, so a key added by ``rotate-keys`` in another
    process is used here from the next seal on.
    """
    global _loaded
    with _keyring_lock:
        # Looked at under the lock: a thread that saw no file before another thread created
        # it must not take the new file for one that disappeared.
        signature = _signature()
        if _loaded is None or _loaded.signature != signature:
            # Create a key file only for a place never loaded from: a file that disappears
            # while in use is an error, not a reason to start over with a new key.
            known = _loaded is not None and _loaded.signature[:2] == signature[:2]
            _loaded = _load_keyring(signature, may_create=not known)
        return _loaded.ring


def keys_from_environment() -> bool:
    """Whether the keys come from ``DEFECTOR_SEALING_KEYS`` (and so cannot be written here)."""
    return bool(os.environ.get(KEYS_ENV))


def key_source() -> str:
    """Where the keys come from, for messages: the variable's name or the key file's path."""
    return KEYS_ENV if keys_from_environment() else str(key_file())


def reset_keyring() -> None:
    """Forget the loaded keyring (tests; the key file is re-read anyway when it changes)."""
    global _loaded
    with _keyring_lock:
        _loaded = None


def _load_keyring(signature: tuple[object, ...], *, may_create: bool) -> _Loaded:
    from_env = os.environ.get(KEYS_ENV)
    if from_env:
        return _Loaded(Keyring.from_json(from_env), signature)
    path = key_file()
    if signature[2] is None:
        if _production():
            raise SealingError(f"no sealing keys: set {KEYS_ENV} or create {path} (mode 0600)")
        if not may_create:
            raise SealingError(f"the sealing key file {path} has disappeared; restore it")
        write_key_file(Keyring.generate(), create=True)
        signature = _signature()
    if _production() and path.stat().st_mode & 0o077:
        raise SealingError(f"the sealing key file {path} is readable by others: chmod 600 it")
    return _Loaded(Keyring.from_json(path.read_text(encoding="utf-8")), signature)


@contextlib.contextmanager
def key_file_lock() -> Iterator[None]:
    """Hold the key file's lock: two operators changing the keys at once must not lose a key
    (values sealed with a key lost from the file would never open again)."""
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{KEY_FILE}.lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_key_file(ring: Keyring, *, create: bool = False) -> None:
    """Write the keyring to the key file atomically and durably, mode 0600.

    With ``create``, an existing file is kept (another process made it first).
    """
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(ring.to_json())
            handle.flush()
            # Values sealed with a new key must never outlive the key: it reaches the disk
            # before any value is sealed with it.
            os.fsync(handle.fileno())
        if create:
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        else:
            os.replace(temporary, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        temporary.unlink(missing_ok=True)
