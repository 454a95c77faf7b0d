"""Sealing: true names and other identifying data encrypted at rest (AES-256-GCM).

A sealed value is stored as ``v1.<key id>.<nonce>.<ciphertext>`` (URL-safe base64 without
padding; the ciphertext ends with GCM's 16-byte tag). The associated data binds it to the
format, the key id, its model, field and row (the row's ``seal_uid``), so a value copied to
another row or field, or relabelled with another key id, does not open. Keys come from
``DEFECTOR_SEALING_KEYS`` (JSON) or the key file ``<state dir>/sealing_keys.json`` (mode
0600) — never the database or the settings module. The key file holds several keys and names
one primary: new values are sealed with the primary, and ``defector rotate-keys`` re-seals
old ones (:func:`rotate`). A process notices a rewritten key file on its next seal or open.

Loading a row never decrypts: a sealed field's value is a :class:`Sealed` token that shows
nothing. Opening one is :func:`open_sealed`, which only the reveal action (:func:`reveal`, with
a stated reason and an audit record) and key rotation call. Whatever goes wrong — a wrong or
missing key, a changed byte, a value moved to another row — raises :class:`SealingError`; a
sealed value never comes back as ciphertext or garbage.
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
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.db import models, transaction
from django.db.models import Q, QuerySet

from defector import config

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

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
def _key_file_lock() -> Iterator[None]:
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


# --- the model field ------------------------------------------------------------------------


class Sealed:
    """A sealed value as loaded from the database: it shows nothing of what it holds."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    @property
    def key_id(self) -> str:
        parts = self.token.split(".")
        return parts[1] if len(parts) == 4 else ""

    def __str__(self) -> str:
        return "[sealed]"

    def __repr__(self) -> str:
        return f"<Sealed key={self.key_id}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


def associated_data(instance: models.Model, field_name: str) -> bytes:
    """What a sealed value is bound to: its model, its field and its row's ``seal_uid``."""
    uid = getattr(instance, "seal_uid", None)
    if not uid:
        raise SealingError(f"{instance._meta.label} has no seal_uid to bind sealed values to")
    try:
        canonical = uuid.UUID(str(uid))  # the same bytes whether it is a UUID or a string
    except ValueError:
        raise SealingError(f"{instance._meta.label} has a malformed seal_uid") from None
    return f"{instance._meta.label_lower}.{field_name}:{canonical}".encode()


class SealedField(models.TextField):  # type: ignore[type-arg]
    """A text field stored sealed. Assign a ``str`` to seal it on save; read a :class:`Sealed`.

    The model must have a ``seal_uid`` (a UUID fixed at creation) that binds its sealed values
    to the row. ``""`` is stored as NULL. A plain string never reaches the database: saving
    seals it, and a query that would write or compare one raises :class:`SealingError`.
    Saving a value sealed with an older key re-seals it with the primary. A sealed field has
    no model-form field (a form would show the token, or overwrite the value with it): forms
    that take a true name declare their own field and hand the text to an action.
    """

    description = "A value sealed with AES-256-GCM"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value in (None, "") else Sealed(str(value))

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed | str):
            return value
        return str(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            if value == "":
                setattr(model_instance, self.attname, None)
                return None
            sealed = Sealed(keyring().seal(value, associated_data(model_instance, self.name)))
            setattr(model_instance, self.attname, sealed)
            return sealed
        if isinstance(value, Sealed):
            ring = keyring()
            if value.key_id != ring.primary:
                bound = associated_data(model_instance, self.name)
                value = Sealed(ring.seal(ring.open(value.token, bound), bound))
                setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, Sealed):
            return value.token
        # A plain string reaching the database unsealed would be a leak: refuse it.
        raise SealingError("a sealed field can only store sealed values; save the model")

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return value.token if isinstance(value, Sealed) else ""

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return None


def open_sealed(instance: models.Model, field_name: str) -> str | None:
    """The clear value of a sealed field. Only :func:`reveal` and rotation may call this."""
    value = getattr(instance, field_name)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return keyring().open(value.token, associated_data(instance, field_name))


def sealed_fields(model: type[models.Model]) -> list[SealedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedField)]


def sealed_models() -> list[type[models.Model]]:
    """Every installed model with at least one sealed field."""
    from django.apps import apps

    return [model for model in apps.get_models() if sealed_fields(model)]


# --- revealing a sealed value -----------------------------------------------------------------


def reveal(
    *,
    acting_user: User | AnonymousUser | None,
    instance: models.Model,
    field_name: str,
    reason: str,
    cryptonym: str = "",
) -> str:
    """The clear value of ``instance``'s sealed field ``field_name``, for ``acting_user``.

    An action: the user states why (at least ``MIN_REASON_LENGTH`` characters), must be
    allowed to ``reveal`` the object (``core.access``; denied answers like missing:
    :class:`NotFound`), must have given the second factor within the last minutes in a web
    request (``core.auth.require_recent_second_factor``: :class:`StepUpRequired`), and the
    reveal is written to the audit chain with the reason — never the value — in the same
    transaction. The stored value is read afresh. A value that does
    not open raises :class:`SealingError` after recording the failed attempt.
    """
    from defector.core import access, audit
    from defector.core.auth import require_recent_second_factor
    from defector.core.errors import InvalidInput

    model = type(instance)
    errors: list[dict[str, str]] = []
    if field_name not in {f.name for f in sealed_fields(model)}:
        errors.append(
            {"field": "field_name", "message": f"is not a sealed field of {model.__name__}"}
        )
    stated = reason.strip() if isinstance(reason, str) else ""
    if len(stated) < MIN_REASON_LENGTH:
        errors.append(
            {
                "field": "reason",
                "message": f"state why you need it (at least {MIN_REASON_LENGTH} characters)",
            }
        )
    elif len(stated) > MAX_REASON_LENGTH:
        errors.append({"field": "reason", "message": f"at most {MAX_REASON_LENGTH} characters"})
    if errors:
        raise InvalidInput(errors)

    failure: SealingError | None = None
    with transaction.atomic():
        row = access.get_for(
            acting_user, access.Action.REVEAL, model._default_manager.all(), instance.pk
        )
        # Step-up: the second factor within the last minutes (docs/security.md).
        require_recent_second_factor(acting_user)
        try:
            value = open_sealed(row, field_name)
        except SealingError as exc:
            failure = exc
            audit.record(
                actor=acting_user,
                action="sealed.reveal_failed",
                obj=row,
                cryptonym=cryptonym,
                after={"field": field_name, "error": str(exc)},
                reason=stated,
            )
        else:
            audit.record(
                actor=acting_user,
                action="sealed.reveal",
                obj=row,
                cryptonym=cryptonym,
                after={"field": field_name},
                reason=stated,
            )
    if failure is not None:
        raise failure
    return value or ""


# --- key rotation -----------------------------------------------------------------------------


def token_prefix(key_id: str) -> str:
    return f"{FORMAT}.{key_id}."


def rows_not_on(model: type[models.Model], key_id: str) -> QuerySet[Any]:
    """Rows of ``model`` with a sealed value under any key but ``key_id``."""
    return _any_field(
        model,
        lambda name: (
            Q(**{f"{name}__isnull": False}) & ~Q(**{f"{name}__startswith": token_prefix(key_id)})
        ),
    )


def rows_sealed(model: type[models.Model]) -> QuerySet[Any]:
    """Rows of ``model`` with at least one sealed value."""
    return _any_field(model, lambda name: Q(**{f"{name}__isnull": False}))


def rows_on(model: type[models.Model], key_id: str) -> QuerySet[Any]:
    """Rows of ``model`` with a sealed value under ``key_id``."""
    return _any_field(model, lambda name: Q(**{f"{name}__startswith": token_prefix(key_id)}))


def _any_field(model: type[models.Model], condition: Callable[[str], Q]) -> QuerySet[Any]:
    """The rows where ``condition`` holds for at least one sealed field (none without one)."""
    conditions = [condition(sealed.name) for sealed in sealed_fields(model)]
    if not conditions:
        return model._base_manager.none()
    either = conditions[0]
    for other in conditions[1:]:
        either |= other
    return model._base_manager.filter(either)


def count_not_on_primary() -> dict[str, int]:
    """Rows per model label (only those with some) with a value not under the primary key."""
    primary = keyring().primary
    counts = {
        model._meta.label_lower: rows_not_on(model, primary).count() for model in sealed_models()
    }
    return {label: n for label, n in counts.items() if n}


def count_sealed() -> dict[str, int]:
    """Rows per model label (only those with some) with at least one sealed value."""
    counts = {model._meta.label_lower: rows_sealed(model).count() for model in sealed_models()}
    return {label: n for label, n in counts.items() if n}


def count_on_key(key_id: str) -> dict[str, int]:
    """Rows per model label (only those with some) with a value under ``key_id``."""
    counts = {model._meta.label_lower: rows_on(model, key_id).count() for model in sealed_models()}
    return {label: n for label, n in counts.items() if n}


def rotate(
    model: type[models.Model],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], object] | None = None,
) -> int:
    """Re-seal every value of ``model`` not under the primary key; the number of rows.

    Batch by batch, each in one transaction: lock the rows, open each old value and seal it
    again with the primary, bound to the same row and field, write the tokens, and record one
    audit event for the batch (how many rows, which keys; never a value). A value that does
    not open stops the rotation with :class:`SealingError` naming the row and field; the
    batches before it stay done, and running again continues.
    """
    from defector.core import audit

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ring = keyring()
    fields = sealed_fields(model)
    names = [f.name for f in fields]
    label = model._meta.label_lower
    done = 0
    last_pk: Any = None
    while True:
        with transaction.atomic():
            pending = rows_not_on(model, ring.primary).order_by("pk")
            if last_pk is not None:
                pending = pending.filter(pk__gt=last_pk)
            rows = list(pending.select_for_update().only("seal_uid", *names)[:batch_size])
            if not rows:
                break
            from_keys: set[str] = set()
            for row in rows:
                # One UPDATE per row: several times faster than bulk_update's CASE WHEN.
                changed = _reseal(row, fields, ring, label, from_keys)
                if changed:
                    model._base_manager.filter(pk=row.pk).update(**changed)
            audit.record(
                actor=None,
                action="sealing.rotate",
                object_type=label,
                after={"rows": len(rows), "from_keys": sorted(from_keys), "to_key": ring.primary},
                reason="key rotation",
            )
        done += len(rows)
        last_pk = rows[-1].pk
        if on_batch is not None:
            on_batch(len(rows))
    return done


def _reseal(
    row: models.Model, fields: list[SealedField], ring: Keyring, label: str, from_keys: set[str]
) -> dict[str, Sealed]:
    """The row's values not under the primary, sealed again with it (bound to the same place)."""
    changed: dict[str, Sealed] = {}
    for sealed in fields:
        value = getattr(row, sealed.attname)
        if not isinstance(value, Sealed) or value.key_id == ring.primary:
            continue
        bound = associated_data(row, sealed.name)
        try:
            clear = ring.open(value.token, bound)
        except SealingError as exc:
            raise SealingError(f"{label} row {row.pk}, field {sealed.name}: {exc}") from None
        from_keys.add(value.key_id)
        changed[sealed.attname] = Sealed(ring.seal(clear, bound))
    return changed


def add_primary_key() -> Keyring:
    """Add a new key to the key file and make it the primary; record it in the audit chain.

    Refused when the keys come from the environment: the operator changes the variable.
    """
    from defector.core import audit

    if keys_from_environment():
        raise SealingError(
            f"the sealing keys come from {KEYS_ENV}: add a new key there, make it the "
            "primary, restart the processes that use it, then run rotate-keys without --new-key"
        )
    with _key_file_lock(), transaction.atomic():
        ring = keyring().with_new_primary()
        audit.record(
            actor=None,
            action="sealing.key.add",
            object_type="sealing.key",
            object_id=ring.primary,
            after={"key": ring.primary, "primary": True, "keys": sorted(ring.keys)},
            reason="key rotation",
        )
        write_key_file(ring)  # last: a failure here rolls the audit record back
    return keyring()


def retire_key(key_id: str) -> Keyring:
    """Remove ``key_id`` from the key file, only when no row uses it any more."""
    from defector.core import audit

    if keys_from_environment():
        raise SealingError(f"the sealing keys come from {KEYS_ENV}: remove the key there")
    with _key_file_lock(), transaction.atomic():
        ring = keyring().without(key_id)
        in_use = count_on_key(key_id)
        if in_use:
            where = ", ".join(f"{label}: {n}" for label, n in sorted(in_use.items()))
            raise SealingError(
                f"key {key_id} still seals values ({where} rows); run rotate-keys first"
            )
        audit.record(
            actor=None,
            action="sealing.key.retire",
            object_type="sealing.key",
            object_id=key_id,
            after={"key": key_id, "keys": sorted(ring.keys)},
            reason="key retired: no sealed value uses it",
        )
        write_key_file(ring)
    return keyring()
