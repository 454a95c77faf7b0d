"""The blind index over sealed names (CipherSweet's technique): keyed hashes only, never a name
in clear; a key of its own derived from the keyring; rebuilt under a new key by
``defector reindex-traces``."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection

from defector.cases.models import Case
from defector.core import sealing
from defector.traces import actions, blind, queries, search
from defector.traces.choices import IndexedKind
from defector.traces.matching import Identity, blocking_keys
from defector.traces.models import IndexTerm
from defector.traces.search import search_subjects

from .conftest import RunCli

pytestmark = pytest.mark.django_db

OpenCase = Callable[..., Case]
NAMES = ("Arkady Nikolayevich Shevchenko", "Аркадий Шевченко", "Sasha Shevchenko")


def _index_rows() -> list[tuple[object, ...]]:
    """Every column of every row of the index table, as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM traces_indexterm")
        return list(cursor.fetchall())


def _clear_words() -> set[str]:
    words = {word.casefold() for name in NAMES for word in name.split()}
    words |= {key.casefold() for name in NAMES for key in blocking_keys(name)}
    # A short key of hex digits only could appear in a digest by chance: not a leak.
    return {word for word in words if len(word) >= 8 or set(word) - set("0123456789abcdef")}


def test_the_index_never_holds_a_name_or_a_blocking_key_in_clear(
    officer: User, open_case: OpenCase
) -> None:
    open_case(true_name=NAMES[0], aliases="\n".join(NAMES[1:]))
    rows = _index_rows()
    assert rows, "the subject is indexed at intake"
    text = json.dumps([[str(value) for value in row] for row in rows], ensure_ascii=False)
    for word in _clear_words():
        assert word not in text.casefold(), f"{word!r} is in the index in clear"
    for term in IndexTerm.objects.all():
        assert len(term.digest) == 2 * blind.DIGEST_BYTES
        int(term.digest, 16)  # hex


def test_each_digest_is_an_hmac_under_a_key_derived_from_the_keyring(
    officer: User, open_case: OpenCase
) -> None:
    open_case(true_name="Jan Kowalski")
    ring = sealing.keyring()
    expected = blind.digests_of(["Jan Kowalski"], ring.primary)
    assert set(IndexTerm.objects.values_list("digest", flat=True)) == expected
    assert set(IndexTerm.objects.values_list("key_id", flat=True)) == {ring.primary}
    assert blind.index_key(ring.primary) != ring.keys[ring.primary]


def test_the_subject_stays_sealed_and_is_found_through_the_index(
    officer: User, open_case: OpenCase
) -> None:
    case = open_case(true_name="Jan Kowalski")
    found = search_subjects(Identity(names=("Jan Kowalski",)), limit=10)
    assert [hit.case for hit in found] == [case]
    assert found[0].score.matched == ""
    assert all("Kowalski" not in reason for reason in found[0].score.reasons)


def test_watch_list_entries_are_indexed_the_same_way(liaison: Path) -> None:
    entries = IndexTerm.objects.filter(kind=IndexedKind.ENTRY)
    assert entries.exists()
    assert not IndexTerm.objects.filter(kind=IndexedKind.SUBJECT).exists()


def _rotate(monkeypatch: pytest.MonkeyPatch) -> sealing.Keyring:
    ring = sealing.keyring().with_new_primary()
    monkeypatch.setenv(sealing.KEYS_ENV, ring.to_json())
    sealing.reset_keyring()
    return ring


def test_rotation_keeps_old_rows_searchable_and_reindex_moves_them(
    officer: User,
    open_case: OpenCase,
    liaison: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = open_case(true_name="Jan Kowalski")
    old = sealing.keyring().primary
    before = set(IndexTerm.objects.values_list("digest", flat=True))
    ring = _rotate(monkeypatch)
    assert ring.primary != old
    # Still found under the older key until the index is rebuilt.
    assert [hit.case for hit in search_subjects(Identity(("Jan Kowalski",)), limit=5)] == [case]
    dry = run_cli("reindex-traces", "--dry-run")
    assert dry.code == 0
    assert f"{IndexTerm.objects.count()} index rows" in dry.out
    result = run_cli("reindex-traces")
    assert result.code == 0, result.err
    assert "1 subjects" in result.out
    assert "3 watch-list entries" in result.out
    assert set(IndexTerm.objects.values_list("key_id", flat=True)) == {ring.primary}
    assert not before & set(IndexTerm.objects.values_list("digest", flat=True))
    assert actions.count_stale() == 0
    assert [hit.case for hit in search_subjects(Identity(("Jan Kowalski",)), limit=5)] == [case]
    assert json.loads(run_cli("trace", "Jan Kowalski", "--json").out)["hits"][0]["reference"] == (
        "B-7"
    )


def test_a_trace_opens_candidates_in_memory_and_stores_none_opened(
    officer: User, open_case: OpenCase
) -> None:
    open_case(true_name="Jan Kowalski", aliases="Janek")
    case = open_case(true_name="Jan Kowalski")
    trace = actions.run_trace(acting_user=officer, case_id=case.pk)
    assert queries.describe(officer, trace).hits
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM traces_hit")
        hits = json.dumps([[str(value) for value in row] for row in cursor.fetchall()])
        cursor.execute("SELECT query_names, query_dob FROM traces_trace")
        sealed = cursor.fetchall()
    assert "Kowalski" not in hits
    assert "Janek" not in hits
    assert all(str(value).startswith("v1.") for value in sealed[0] if value)


@pytest.mark.parametrize("size", [0, 1, 32, 63, 64, 65, 100])
def test_a_digest_is_hmac_sha256_truncated_whatever_the_key_length(size: int) -> None:
    key = bytes(range(256))[:size] if size <= 256 else b""
    for blocking_key in ("", "n:kowalski", "p:KLSK", "Аркадий", "x" * 300):
        mac = hmac.new(key, blocking_key.encode("utf-8"), hashlib.sha256).digest()
        assert blind.digest(key, blocking_key) == mac[: blind.DIGEST_BYTES].hex()


def test_a_subject_just_indexed_is_searched_under_the_digests_it_was_indexed_under(
    officer: User, open_case: OpenCase
) -> None:
    case = open_case(true_name="Jan Kowalski", aliases="Janek K.")
    subject = case.subject
    names = search.subject_names(subject)
    computed = search.query_digests(names)
    assert search.query_digests(names, subject) == computed  # not remembered: computed
    actions.index_subject(subject)
    assert search.query_digests(names, subject) == computed
    assert search.query_digests(names, subject) is not computed
    other = ("Jan Nowak",)
    assert search.query_digests(other, subject) == search.query_digests(other)
    assert set(IndexTerm.objects.filter(subject=subject).values_list("digest", flat=True)) == set(
        computed[sealing.keyring().primary]
    )
