"""Sealed files (``core.sealing.files``): bytes encrypted under a data key that a sealed field
keeps, bound to the model, the key field and the row; whatever goes wrong is a
``SealingError``, never garbage. (The voluntary statement uses them for its signature file:
``tests/cases/test_handling_statement_sealing.py``.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from defector.cases.models import Case, Subject
from defector.core import sealing
from defector.core.sealing import Keyring, Sealed, SealingError
from defector.directory.models import Post

CONTENT = b"%PDF-1.4\nI, Arkady Shevchenko, request political asylum.\n%%EOF\n"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Keyring]:
    ring = Keyring.generate("k1")
    monkeypatch.setenv(sealing.KEYS_ENV, ring.to_json())
    sealing.reset_keyring()
    yield ring
    sealing.reset_keyring()


def subject(db: Any, number: int = 1) -> Subject:
    post, _ = Post.objects.get_or_create(
        code="VIENNA", defaults={"name": "Embassy Vienna", "country": "AT", "city": "Vienna"}
    )
    case = Case.objects.create(cryptonym=f"AEFILE{number}", post=post, sensitivity="SECRET")
    return Subject.objects.create(case=case)


def test_sealed_bytes_hold_no_clear_byte_and_open_after_a_reload(db: Any, keys: Keyring) -> None:
    row = subject(db)
    stored = sealing.seal_bytes(row, "aliases", CONTENT)  # any sealed field keeps the key
    row.save()
    assert stored.startswith(sealing.FILE_MAGIC)
    assert b"Shevchenko" not in stored
    reloaded = Subject.objects.get(pk=row.pk)
    assert isinstance(reloaded.aliases, Sealed)  # the data key is sealed in its column
    assert sealing.open_bytes(reloaded, "aliases", stored) == CONTENT


def test_two_files_of_the_same_bytes_are_unrelated(db: Any, keys: Keyring) -> None:
    row = subject(db)
    assert sealing.seal_bytes(row, "aliases", CONTENT) != sealing.seal_bytes(
        row, "aliases", CONTENT
    )


def test_a_changed_byte_does_not_open(db: Any, keys: Keyring) -> None:
    row = subject(db)
    stored = bytearray(sealing.seal_bytes(row, "aliases", CONTENT))
    row.save()
    stored[-1] ^= 1
    with pytest.raises(SealingError, match="does not open"):
        sealing.open_bytes(Subject.objects.get(pk=row.pk), "aliases", bytes(stored))


def test_a_file_of_another_row_does_not_open_even_with_its_key(db: Any, keys: Keyring) -> None:
    first, second = subject(db, 1), subject(db, 2)
    stored = sealing.seal_bytes(first, "aliases", CONTENT)
    second.aliases = first.aliases  # the same data key, copied to the other row
    with pytest.raises(SealingError, match="does not open"):
        sealing.open_bytes(second, "aliases", stored)


def test_a_file_bound_to_another_key_field_does_not_open(db: Any, keys: Keyring) -> None:
    row = subject(db)
    stored = sealing.seal_bytes(row, "aliases", CONTENT)
    row.birth_place = row.aliases
    with pytest.raises(SealingError, match="does not open"):
        sealing.open_bytes(row, "birth_place", stored)


@pytest.mark.parametrize(
    "stored",
    [b"", b"%PDF-1.4 clear", sealing.FILE_MAGIC + b"short"],
    ids=["an empty file", "a clear file", "a file too short for its nonce and tag"],
)
def test_what_is_not_a_sealed_file_is_refused(db: Any, keys: Keyring, stored: bytes) -> None:
    row = subject(db)
    sealing.seal_bytes(row, "aliases", CONTENT)
    with pytest.raises(SealingError, match="not a sealed file"):
        sealing.open_bytes(row, "aliases", stored)


def test_a_file_without_its_data_key_is_refused(db: Any, keys: Keyring) -> None:
    row = subject(db)
    stored = sealing.seal_bytes(row, "aliases", CONTENT)
    row.aliases = None
    with pytest.raises(SealingError, match="no data key"):
        sealing.open_bytes(row, "aliases", stored)


def test_the_data_key_re_sealed_by_rotation_still_opens_the_file(
    db: Any, keys: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = subject(db)
    stored = sealing.seal_bytes(row, "aliases", CONTENT)
    row.save()
    monkeypatch.setenv(sealing.KEYS_ENV, keys.with_new_primary().to_json())
    sealing.reset_keyring()
    assert sealing.rotate(Subject) == 1
    reloaded = Subject.objects.get(pk=row.pk)
    assert isinstance(reloaded.aliases, Sealed)
    assert reloaded.aliases.key_id == "k2"
    assert sealing.open_bytes(reloaded, "aliases", stored) == CONTENT
