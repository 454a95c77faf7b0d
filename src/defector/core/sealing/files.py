"""Sealed files: bytes encrypted at rest (AES-256-GCM) under a data key kept in a sealed field.

A file is encrypted with its own random 256-bit **data key**, which the row keeps in a
:class:`~defector.core.sealing.fields.SealedField` (so the data key itself is sealed with the
keyring's primary key, bound to its model, field and row). The file on disk holds::

    DSF1 <nonce: 12 bytes> <ciphertext + 16-byte tag>

and its associated data binds it to the same place as its data key: the format, the model,
the key field and the row's ``seal_uid``; a file moved to another row does not open.
``defector rotate-keys`` re-seals the data key under the new primary like any sealed value
(the bytes on disk need not be rewritten: without the keyring they open with nothing), and
``rotate-keys --retire`` counts data keys like any other value.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import models

from defector.core.sealing.fields import associated_data, open_sealed
from defector.core.sealing.keys import KEY_BYTES, NONCE_BYTES, TAG_BYTES, SealingError

#: The first bytes of every sealed file (its format).
FILE_MAGIC: Final = b"DSF1"


def _file_associated(instance: models.Model, key_field: str) -> bytes:
    return FILE_MAGIC + b"|" + associated_data(instance, key_field)


def seal_bytes(instance: models.Model, key_field: str, content: bytes) -> bytes:
    """``content`` encrypted for ``instance`` under a new data key, which is put in
    ``instance.<key_field>`` (a sealed field: saving the row seals it). Write the bytes
    returned to the file; keep nothing else of them."""
    key = AESGCM.generate_key(KEY_BYTES * 8)
    setattr(instance, key_field, base64.b64encode(key).decode("ascii"))
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, content, _file_associated(instance, key_field))
    return FILE_MAGIC + nonce + ciphertext


def open_bytes(instance: models.Model, key_field: str, stored: bytes) -> bytes:
    """The clear content of a file sealed by :func:`seal_bytes` for ``instance``;
    :class:`SealingError` unless it opens exactly (a missing or wrong data key, a changed
    byte, a file of another row)."""
    clear_key = open_sealed(instance, key_field)
    if not clear_key:
        raise SealingError(f"{instance._meta.label} {instance.pk} has no data key for its file")
    try:
        key = base64.b64decode(clear_key, validate=True)
    except (binascii.Error, ValueError):
        raise SealingError("the file's data key is malformed") from None
    if len(key) != KEY_BYTES:
        raise SealingError("the file's data key is malformed")
    head = len(FILE_MAGIC)
    if not stored.startswith(FILE_MAGIC) or len(stored) < head + NONCE_BYTES + TAG_BYTES:
        raise SealingError("not a sealed file")
    nonce, ciphertext = stored[head : head + NONCE_BYTES], stored[head + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _file_associated(instance, key_field))
    except InvalidTag:
        raise SealingError(
            "the sealed file does not open: tampered, moved, or of another row"
        ) from None
