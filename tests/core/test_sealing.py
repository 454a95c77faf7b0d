"""Sealing of true names (``core.sealing``): the keyring, the model field, and revealing.

Each test gets its own keyring through ``DEFECTOR_SEALING_KEYS`` (the ``keys`` fixture), so
no test reads or writes the developer's key file. Key files, production and rotation are in
``test_sealing_rotation.py``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from defector.cases.models import Case, Subject
from defector.core import audit, sealing
from defector.core.errors import InvalidInput, NotFound
from defector.core.models import AuditEvent
from defector.core.sealing import Keyring, Sealed, SealingError
from defector.directory.choices import POST_ROLES
from defector.directory.models import Agency, Official, Post, RoleAssignment

NAME = "Arkady Nikolayevich Shevchenko"
UNICODE_NAME = "Ю́рий Ива́нович Но́сенко — 李小龍 — Zoë 🕊"
AAD = b"cases.subject.true_name:00000000-0000-4000-8000-000000000001"


def use_keys(monkeypatch: pytest.MonkeyPatch, ring: Keyring) -> Keyring:
    monkeypatch.setenv(sealing.KEYS_ENV, ring.to_json())
    sealing.reset_keyring()
    return ring


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Keyring]:
    """A fresh keyring for this test only, from the environment."""
    yield use_keys(monkeypatch, Keyring.generate("k1"))
    sealing.reset_keyring()


@pytest.fixture
def post(db: Any) -> Post:
    return Post.objects.create(code="VIENNA", name="Embassy Vienna", country="AT", city="Vienna")


@pytest.fixture
def make_subject(post: Post, keys: Keyring) -> Callable[..., Subject]:
    """``make_subject(true_name=..., ...)``: a case at Vienna and its subject, saved."""
    made = iter(range(1, 10_000))

    def make(sensitivity: str = "SECRET", **values: Any) -> Subject:
        case = Case.objects.create(
            cryptonym=f"AESEAL{next(made)}", post=post, sensitivity=sensitivity
        )
        return Subject.objects.create(case=case, **values)

    return make


def raw(subject: Subject, field: str = "true_name") -> Any:
    """The column's value as stored, read with plain SQL (no field conversion)."""
    table = Subject._meta.db_table
    column = next(f.column for f in Subject._meta.concrete_fields if f.name == field)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [subject.pk])  # noqa: S608
        return cursor.fetchone()[0]


def reloaded(subject: Subject) -> Subject:
    return Subject.objects.get(pk=subject.pk)


# --- the keyring ------------------------------------------------------------------------------


def test_a_sealed_value_opens_to_what_was_sealed() -> None:
    ring = Keyring.generate()
    token = ring.seal(NAME, AAD)
    assert token.startswith("v1.k1.")
    assert NAME not in token
    assert ring.open(token, AAD) == NAME


@pytest.mark.parametrize(
    "text",
    [UNICODE_NAME, "", " ", "a" * 10_000, "line one\nline two", "v1.k1.looks.sealed"],
    ids=[
        "unicode round-trips",
        "the empty string round-trips",
        "a space round-trips",
        "a long text round-trips",
        "newlines round-trip",
        "a text that looks like a token round-trips",
    ],
)
def test_the_keyring_round_trips_any_text(text: str) -> None:
    ring = Keyring.generate()
    assert ring.open(ring.seal(text, AAD), AAD) == text


def test_sealing_the_same_text_twice_gives_different_tokens() -> None:
    ring = Keyring.generate()
    assert ring.seal(NAME, AAD) != ring.seal(NAME, AAD)


def test_every_changed_character_of_a_token_makes_it_fail() -> None:
    ring = Keyring.generate()
    token = ring.seal(NAME, AAD)
    for position, char in enumerate(token):
        if char == ".":
            continue
        for other in {"A", "B", "0", "_"} - {char}:
            tampered = token[:position] + other + token[position + 1 :]
            with pytest.raises(SealingError):
                ring.open(tampered, AAD)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "Arkady",
        "v1.k1.abc",
        "v2.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAA",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAA=",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.",
    ],
    ids=[
        "an empty token fails",
        "a plain name fails",
        "a token with three parts fails",
        "another format version fails",
        "a short nonce fails",
        "a ciphertext shorter than the tag fails",
        "padding or a foreign character fails",
        "a fifth part fails",
    ],
)
def test_a_malformed_token_fails(token: str) -> None:
    with pytest.raises(SealingError):
        Keyring.generate().open(token, AAD)


def test_a_value_bound_to_one_place_does_not_open_in_another() -> None:
    ring = Keyring.generate()
    token = ring.seal(NAME, AAD)
    with pytest.raises(SealingError, match="tampered, moved, or sealed with another key"):
        ring.open(token, AAD.replace(b"true_name", b"aliases"))


def test_a_key_id_pointing_to_other_bytes_does_not_open() -> None:
    token = Keyring.generate("k1").seal(NAME, AAD)
    with pytest.raises(SealingError, match="does not open"):
        Keyring.generate("k1").open(token, AAD)


def test_a_keyring_without_the_key_names_the_missing_key() -> None:
    token = Keyring.generate("k1").seal(NAME, AAD)
    with pytest.raises(SealingError, match="'k1', which is not in the keyring"):
        Keyring.generate("k2").open(token, AAD)


def test_relabelling_a_token_with_another_key_id_does_not_open_even_with_the_same_bytes() -> None:
    ring = Keyring.generate("k1")
    twin = Keyring(primary="k1", keys={"k1": ring.keys["k1"], "k9": ring.keys["k1"]})
    token = ring.seal(NAME, AAD)
    assert twin.open(token, AAD) == NAME
    with pytest.raises(SealingError):
        twin.open(token.replace("v1.k1.", "v1.k9."), AAD)


def test_a_new_primary_keeps_the_old_keys_and_old_values_still_open() -> None:
    old = Keyring.generate("k1")
    token = old.seal(NAME, AAD)
    new = old.with_new_primary()
    assert new.primary == "k2"
    assert new.keys["k1"] == old.keys["k1"]
    assert new.open(token, AAD) == NAME
    assert new.seal(NAME, AAD).startswith("v1.k2.")


def test_the_keyring_survives_its_json_form() -> None:
    ring = Keyring.generate().with_new_primary()
    again = Keyring.from_json(ring.to_json())
    assert again == ring
    assert again.open(ring.seal(NAME, AAD), AAD) == NAME


def test_the_keyring_never_shows_its_keys() -> None:
    ring = Keyring.generate().with_new_primary()
    shown = repr(ring) + str(ring)
    assert shown == "<Keyring primary=k2 keys=k1,k2>" * 2
    for key in ring.keys.values():
        assert base64.b64encode(key).decode() not in shown


GOOD_KEY = base64.b64encode(b"\x01" * 32).decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "malformed"),
        ("[]", "malformed"),
        ('{"keys": {}}', "malformed"),
        (json.dumps({"primary": "k1", "keys": {"k1": "not base64!"}}), "malformed"),
        (json.dumps({"primary": "k1", "keys": {"k1": base64.b64encode(b"short").decode()}}), "32"),
        (json.dumps({"primary": "k2", "keys": {"k1": GOOD_KEY}}), "primary sealing key 'k2'"),
        (json.dumps({"primary": "K1", "keys": {"K1": GOOD_KEY}}), "lower-case"),
        (json.dumps({"primary": "k.1", "keys": {"k.1": GOOD_KEY}}), "lower-case"),
    ],
    ids=[
        "text that is not JSON is refused",
        "JSON that is not an object is refused",
        "a keyring without a primary is refused",
        "a key that is not base64 is refused",
        "a key that is not 256 bits is refused",
        "a primary that is not among the keys is refused",
        "an upper-case key id is refused (SQLite's LIKE ignores case)",
        "a key id with a dot is refused (the dot separates a token's parts)",
    ],
)
def test_a_malformed_keyring_is_refused_without_showing_keys(text: str, message: str) -> None:
    with pytest.raises(SealingError, match=message) as refused:
        Keyring.from_json(text)
    assert GOOD_KEY not in str(refused.value)


# --- the model field --------------------------------------------------------------------------


def test_saving_a_plain_string_stores_ciphertext(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(true_name=NAME, birth_place="Gorlovka")
    stored = raw(subject)
    assert stored.startswith("v1.k1.")
    assert NAME not in stored
    assert "Gorlovka" not in raw(subject, "birth_place")
    assert isinstance(subject.true_name, Sealed)


def test_a_saved_value_opens_to_the_same_text(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(true_name=UNICODE_NAME, aliases="")
    again = reloaded(subject)
    assert sealing.open_sealed(again, "true_name") == UNICODE_NAME
    assert sealing.open_sealed(again, "aliases") is None


def test_an_empty_string_is_stored_as_null(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(true_name="", aliases=None)
    assert raw(subject) is None
    assert raw(subject, "aliases") is None
    assert reloaded(subject).true_name is None


def test_loading_a_row_does_not_decrypt(
    make_subject: Callable[..., Subject], monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = make_subject(true_name=NAME)

    def refuse(*args: Any) -> str:
        raise AssertionError("a load opened a sealed value")

    monkeypatch.setattr(Keyring, "open", refuse)
    again = reloaded(subject)
    listed = list(Subject.objects.values_list("true_name", flat=True))
    assert isinstance(again.true_name, Sealed)
    assert listed == [again.true_name]


def test_a_sealed_value_never_shows_its_text(make_subject: Callable[..., Subject]) -> None:
    value = reloaded(make_subject(true_name=NAME)).true_name
    assert isinstance(value, Sealed)
    assert str(value) == f"{value}" == "[sealed]"
    assert repr(value) == "<Sealed key=k1>"
    assert NAME not in value.token


def test_an_audit_snapshot_masks_sealed_values(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(true_name=NAME)
    shot = audit.snapshot(subject, ["true_name", "aliases"])
    assert shot == {"true_name": audit.SEALED_MARK, "aliases": None}


def test_a_plain_string_cannot_reach_the_column_through_an_update(
    make_subject: Callable[..., Subject],
) -> None:
    subject = make_subject(true_name=NAME)
    with pytest.raises(SealingError, match="only store sealed values"), transaction.atomic():
        Subject.objects.filter(pk=subject.pk).update(true_name="Ivan Ivanov")
    assert sealing.open_sealed(reloaded(subject), "true_name") == NAME


def test_a_sealed_field_cannot_be_searched_by_its_text(
    make_subject: Callable[..., Subject],
) -> None:
    make_subject(true_name=NAME)
    with pytest.raises(SealingError):
        list(Subject.objects.filter(true_name=NAME))


def test_a_sealed_field_has_no_model_form_field() -> None:
    assert Subject._meta.get_field("true_name").formfield() is None


def test_a_tampered_byte_in_the_column_does_not_open(
    make_subject: Callable[..., Subject],
) -> None:
    subject = make_subject(true_name=NAME)
    token = raw(subject)
    last = token[-1]
    tampered = token[:-1] + ("A" if last != "A" else "B")
    Subject.objects.filter(pk=subject.pk).update(true_name=Sealed(tampered))
    with pytest.raises(SealingError, match="does not open"):
        sealing.open_sealed(reloaded(subject), "true_name")


def test_a_tampered_byte_written_with_raw_sql_does_not_open(
    make_subject: Callable[..., Subject],
) -> None:
    subject = make_subject(true_name=NAME)
    prefix, body = raw(subject).rsplit(".", 1)
    flipped = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    flipped[3] ^= 0x01
    tampered = f"{prefix}.{base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip('=')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Subject._meta.db_table} SET true_name = %s WHERE id = %s",  # noqa: S608
            [tampered, subject.pk],
        )
    with pytest.raises(SealingError):
        sealing.open_sealed(reloaded(subject), "true_name")


def test_ciphertext_copied_to_another_row_does_not_open(
    make_subject: Callable[..., Subject],
) -> None:
    source = make_subject(true_name=NAME)
    target = make_subject(true_name="Someone Else")
    Subject.objects.filter(pk=target.pk).update(true_name=reloaded(source).true_name)
    with pytest.raises(SealingError, match="tampered, moved"):
        sealing.open_sealed(reloaded(target), "true_name")
    assert sealing.open_sealed(reloaded(source), "true_name") == NAME


def test_ciphertext_copied_to_another_field_of_the_row_does_not_open(
    make_subject: Callable[..., Subject],
) -> None:
    subject = make_subject(true_name=NAME, aliases="Sasha")
    Subject.objects.filter(pk=subject.pk).update(aliases=reloaded(subject).true_name)
    with pytest.raises(SealingError):
        sealing.open_sealed(reloaded(subject), "aliases")


def test_a_changed_seal_uid_unbinds_the_values(make_subject: Callable[..., Subject]) -> None:
    import uuid

    subject = make_subject(true_name=NAME)
    Subject.objects.filter(pk=subject.pk).update(seal_uid=uuid.uuid4())
    with pytest.raises(SealingError):
        sealing.open_sealed(reloaded(subject), "true_name")


def test_a_value_sealed_with_another_keyring_does_not_open(
    make_subject: Callable[..., Subject], monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = make_subject(true_name=NAME)
    use_keys(monkeypatch, Keyring.generate("k1"))  # same id, other bytes
    with pytest.raises(SealingError, match="does not open"):
        sealing.open_sealed(reloaded(subject), "true_name")
    use_keys(monkeypatch, Keyring.generate("k7"))  # the key is not there at all
    with pytest.raises(SealingError, match="not in the keyring"):
        sealing.open_sealed(reloaded(subject), "true_name")


def test_saving_a_row_re_seals_values_under_an_older_key(
    make_subject: Callable[..., Subject], keys: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject = make_subject(true_name=NAME, aliases="Sasha")
    use_keys(monkeypatch, keys.with_new_primary())
    again = reloaded(subject)
    again.save()
    assert raw(subject).startswith("v1.k2.")
    assert raw(subject, "aliases").startswith("v1.k2.")
    assert sealing.open_sealed(reloaded(subject), "true_name") == NAME


def test_a_model_without_seal_uid_cannot_seal() -> None:
    with pytest.raises(SealingError, match="no seal_uid"):
        sealing.associated_data(Post(code="X"), "name")


def test_the_sealed_models_are_found() -> None:
    assert Subject in sealing.sealed_models()
    assert [f.name for f in sealing.sealed_fields(Subject)] == [
        "true_name",
        "aliases",
        "birth_date",
        "birth_place",
        "identity_documents",
    ]


# --- revealing --------------------------------------------------------------------------------


@pytest.fixture
def seat(post: Post, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """``seat("committee_chair", clearance="SECRET")``: a user holding that role at Vienna."""
    agency = Agency.objects.create(code="STATE", name="Department of State")

    def make(role: str | None, clearance: str = "SECRET") -> Any:
        user = make_user(f"{role or 'nobody'}-{clearance.lower().replace(' ', '-')}")
        official = Official.objects.create(user=user, agency=agency, post=post, clearance=clearance)
        if role:
            at = post if role in POST_ROLES else None
            RoleAssignment.objects.create(official=official, role=role, post=at)
        user.official_record = official
        return user

    return make


def reveal_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="sealed.reveal"))


def event_text(event: AuditEvent) -> str:
    return json.dumps(
        {f.name: str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields}
    )


REASON = "Bona fides interview on 12 May needs the true name."


@pytest.mark.parametrize("role", ["committee_chair"], ids=["the committee chair may reveal"])
def test_an_allowed_user_gets_the_value_and_one_audit_event(
    role: str, make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    subject = make_subject(true_name=NAME)
    user = seat(role)
    value = sealing.reveal(
        acting_user=user,
        instance=subject,
        field_name="true_name",
        reason=f"  {REASON}  ",
        cryptonym=subject.case.cryptonym,
    )
    assert value == NAME
    [event] = reveal_events()
    assert event.action == "sealed.reveal"
    assert event.actor_id == user.pk
    assert event.object_type == "cases.subject"
    assert event.object_id == str(subject.pk)
    assert event.cryptonym == subject.case.cryptonym
    assert event.after == {"field": "true_name"}
    assert event.reason == REASON
    assert NAME not in event_text(event)


def test_an_assigned_case_officer_may_reveal(
    make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    subject = make_subject(birth_place="Gorlovka")
    user = seat("case_officer")
    subject.case.officers.add(user.official_record)
    assert (
        sealing.reveal(acting_user=user, instance=subject, field_name="birth_place", reason=REASON)
        == "Gorlovka"
    )
    assert len(reveal_events()) == 1


def test_an_empty_field_reveals_as_empty_text_and_is_still_recorded(
    make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    subject = make_subject(true_name=NAME)
    value = sealing.reveal(
        acting_user=seat("committee_chair"), instance=subject, field_name="aliases", reason=REASON
    )
    assert value == ""
    assert len(reveal_events()) == 1


@pytest.mark.parametrize(
    ("role", "clearance"),
    [
        ("committee_member", "SECRET"),
        ("senior_representative", "SECRET"),
        ("case_officer", "SECRET"),
        ("committee_chair", "CONFIDENTIAL"),
        (None, "TOP SECRET"),
        ("auditor", "TOP SECRET"),
    ],
    ids=[
        "a committee member may view but not reveal",
        "the senior representative may view but not reveal (7a needs no identity)",
        "a case officer not assigned to the case may not reveal",
        "a chair cleared below the case's sensitivity may not reveal",
        "an official with no role may not reveal",
        "an auditor sees no case content",
    ],
)
def test_a_denied_user_gets_not_found_and_no_audit_event(
    role: str | None,
    clearance: str,
    make_subject: Callable[..., Subject],
    seat: Callable[..., Any],
) -> None:
    subject = make_subject(true_name=NAME)
    user = seat(role, clearance)
    with pytest.raises(NotFound) as denied:
        sealing.reveal(acting_user=user, instance=subject, field_name="true_name", reason=REASON)
    assert NAME not in str(denied.value)
    assert reveal_events() == []


def test_an_anonymous_user_gets_not_found(make_subject: Callable[..., Subject]) -> None:
    subject = make_subject(true_name=NAME)
    with pytest.raises(NotFound):
        sealing.reveal(acting_user=None, instance=subject, field_name="true_name", reason=REASON)
    assert reveal_events() == []


@pytest.mark.parametrize(
    "reason",
    ["", "   ", "need it", "         x         ", "x" * (sealing.MAX_REASON_LENGTH + 1)],
    ids=[
        "no reason is refused",
        "a blank reason is refused",
        "a reason under ten characters is refused",
        "padding does not count towards the ten characters",
        "an overlong reason is refused",
    ],
)
def test_revealing_needs_a_stated_reason(
    reason: str, make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    subject = make_subject(true_name=NAME)
    with pytest.raises(InvalidInput) as refused:
        sealing.reveal(
            acting_user=seat("committee_chair"),
            instance=subject,
            field_name="true_name",
            reason=reason,
        )
    assert [error["field"] for error in refused.value.errors] == ["reason"]
    assert reveal_events() == []


def test_revealing_a_field_that_is_not_sealed_is_refused_with_every_error(
    make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    subject = make_subject(true_name=NAME)
    with pytest.raises(InvalidInput) as refused:
        sealing.reveal(
            acting_user=seat("committee_chair"), instance=subject, field_name="case", reason=""
        )
    assert [error["field"] for error in refused.value.errors] == ["field_name", "reason"]


def test_revealing_reads_the_stored_value_not_the_callers_copy(
    make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    subject = make_subject(true_name=NAME)
    subject.true_name = "Not The Stored Name"
    value = sealing.reveal(
        acting_user=seat("committee_chair"), instance=subject, field_name="true_name", reason=REASON
    )
    assert value == NAME


def test_a_value_that_does_not_open_is_refused_and_the_attempt_recorded(
    make_subject: Callable[..., Subject], seat: Callable[..., Any]
) -> None:
    source = make_subject(true_name=NAME)
    target = make_subject(true_name="Someone Else")
    Subject.objects.filter(pk=target.pk).update(true_name=reloaded(source).true_name)
    user = seat("committee_chair")
    with pytest.raises(SealingError):
        sealing.reveal(acting_user=user, instance=target, field_name="true_name", reason=REASON)
    [event] = reveal_events()
    assert event.action == "sealed.reveal_failed"
    assert event.reason == REASON
    assert event.after is not None
    assert event.after["field"] == "true_name"
    assert NAME not in event_text(event)
