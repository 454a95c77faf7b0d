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
a stated reason and an audit record), key rotation, the queries of values that everyone who may
see their record reads without a reason (a voluntary statement's texts and file), and the
cases' free-text check (which compares in memory and shows nothing) call. Whatever goes wrong —
a wrong or missing key, a changed byte, a value moved to another row — raises
:class:`SealingError`; a sealed value never comes back as ciphertext or garbage.

The package: ``keys`` (the keyring and the key file), ``fields`` (the sealed field and its
token), ``files`` (files sealed under a data key kept in a sealed field), ``reveal`` (the
reveal action) and ``rotation`` (re-sealing, adding and retiring keys).
"""

from __future__ import annotations

from defector.core.sealing.fields import (
    Sealed,
    SealedField,
    associated_data,
    open_sealed,
    sealed_fields,
    sealed_models,
)
from defector.core.sealing.files import FILE_MAGIC, open_bytes, seal_bytes
from defector.core.sealing.keys import (
    DEFAULT_BATCH_SIZE,
    FORMAT,
    KEY_BYTES,
    KEY_FILE,
    KEY_ID,
    KEYS_ENV,
    MAX_REASON_LENGTH,
    MIN_REASON_LENGTH,
    NONCE_BYTES,
    TAG_BYTES,
    Keyring,
    SealingError,
    _key_file,
    key_file,
    key_file_lock,
    key_source,
    keyring,
    keys_from_environment,
    reset_keyring,
    write_key_file,
)
from defector.core.sealing.reveal import reveal
from defector.core.sealing.rotation import (
    add_primary_key,
    count_not_on_primary,
    count_on_key,
    count_sealed,
    retire_key,
    rotate,
    rows_not_on,
    rows_on,
    rows_sealed,
    token_prefix,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FILE_MAGIC",
    "FORMAT",
    "KEYS_ENV",
    "KEY_BYTES",
    "KEY_FILE",
    "KEY_ID",
    "MAX_REASON_LENGTH",
    "MIN_REASON_LENGTH",
    "NONCE_BYTES",
    "TAG_BYTES",
    "Keyring",
    "Sealed",
    "SealedField",
    "SealingError",
    "_key_file",
    "add_primary_key",
    "associated_data",
    "count_not_on_primary",
    "count_on_key",
    "count_sealed",
    "key_file",
    "key_file_lock",
    "key_source",
    "keyring",
    "keys_from_environment",
    "open_bytes",
    "open_sealed",
    "reset_keyring",
    "retire_key",
    "reveal",
    "rotate",
    "rows_not_on",
    "rows_on",
    "rows_sealed",
    "seal_bytes",
    "sealed_fields",
    "sealed_models",
    "token_prefix",
    "write_key_file",
]
