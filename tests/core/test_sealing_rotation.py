"""Sealing keys: the key file, production's refusal, ``defector rotate-keys``, the progress bar.

Every test here points the state directory at its own temporary directory (the key file
lives there) or sets ``DEFECTOR_SEALING_KEYS``; none touches the developer's ``var/``.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from defector.cases.models import Case, Subject
from defector.core import sealing
from defector.core.models import AuditEvent
from defector.core.progress import Progress
from defector.core.sealing import Keyring, SealingError
from defector.directory.models import Post

DEFECTOR = Path(sys.executable).parent / "defector"
NAMES = [
    "Arkady Shevchenko",
    "Yuri Nosenko",
    "Oleg Penkovsky",
    "Viktor Belenko",
    "Stanislav Levchenko",
    "Ilya Dzhirkvelov",
    "Vladimir Rezun",
]


@pytest.fixture
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keys from a key file in this test's own state directory (created on first use)."""
    monkeypatch.setenv("DEFECTOR_STATE_DIR", str(tmp_path))
    monkeypatch.delenv(sealing.KEYS_ENV, raising=False)
    monkeypatch.delenv("DEFECTOR_ENV", raising=False)
    sealing.reset_keyring()
    yield tmp_path
    sealing.reset_keyring()


def use_env_keys(monkeypatch: pytest.MonkeyPatch, ring: Keyring) -> Keyring:
    monkeypatch.setenv(sealing.KEYS_ENV, ring.to_json())
    sealing.reset_keyring()
    return ring


@pytest.fixture
def env_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Keyring]:
    yield use_env_keys(monkeypatch, Keyring.generate("k1"))
    sealing.reset_keyring()


@pytest.fixture
def subjects(db: Any) -> Callable[..., list[Subject]]:
    """``subjects()``: one case and subject per name in ``NAMES``, with varied fields set."""

    def make(names: list[str] = NAMES) -> list[Subject]:
        post = Post.objects.create(code="BERN", name="Embassy Bern", country="CH", city="Bern")
        made = []
        for number, name in enumerate(names):
            case = Case.objects.create(
                cryptonym=f"AEROTATE{number}", post=post, sensitivity="SECRET"
            )
            made.append(
                Subject.objects.create(
                    case=case,
                    true_name=name,
                    aliases=f"alias {number}" if number % 2 else None,
                    birth_place="Moscow" if number % 3 == 0 else "",
                )
            )
        return made

    return make


def raw_tokens() -> list[str]:
    """Every non-null sealed column of every subject, as stored."""
    columns = [f.column for f in sealing.sealed_fields(Subject)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {Subject._meta.db_table}")  # noqa: S608
        return [value for row in cursor.fetchall() for value in row if value is not None]


def clear_values() -> dict[tuple[int, str], str | None]:
    return {
        (subject.pk, field.name): sealing.open_sealed(subject, field.name)
        for subject in Subject.objects.order_by("pk")
        for field in sealing.sealed_fields(Subject)
    }


def rotate(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("rotate_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rotation_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="sealing.").order_by("seq"))


# --- the key file -----------------------------------------------------------------------------


def test_development_creates_a_private_key_file_under_the_state_dir(key_dir: Path) -> None:
    ring = sealing.keyring()
    path = key_dir / sealing.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Keyring.from_json(path.read_text()) == ring
    assert ring.primary == "k1"
    assert list(key_dir.iterdir()) == [path]  # no temporary file left behind
    sealing.reset_keyring()
    assert sealing.keyring() == ring  # read again, not made again


def test_production_refuses_to_seal_without_keys(
    key_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFECTOR_ENV", "production")
    with pytest.raises(SealingError, match=f"no sealing keys: set {sealing.KEYS_ENV} or create"):
        sealing.keyring()
    assert list(key_dir.iterdir()) == []


def test_production_refuses_a_key_file_others_can_read(
    key_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealing.write_key_file(Keyring.generate())
    (key_dir / sealing.KEY_FILE).chmod(0o644)
    monkeypatch.setenv("DEFECTOR_ENV", "production")
    with pytest.raises(SealingError, match="readable by others: chmod 600"):
        sealing.keyring()


def test_production_uses_keys_from_the_environment(
    key_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFECTOR_ENV", "production")
    ring = use_env_keys(monkeypatch, Keyring.generate("k3"))
    assert sealing.keyring() == ring
    assert sealing.key_source() == sealing.KEYS_ENV
    assert list(key_dir.iterdir()) == []


def test_a_key_file_rewritten_by_another_process_is_used_at_once(key_dir: Path) -> None:
    first = sealing.keyring()
    sealing.write_key_file(first.with_new_primary())
    assert sealing.keyring().primary == "k2"


def test_a_key_file_that_disappears_is_an_error_not_a_new_key(key_dir: Path) -> None:
    sealing.keyring()
    (key_dir / sealing.KEY_FILE).unlink()
    with pytest.raises(SealingError, match="has disappeared"):
        sealing.keyring()
    assert list(key_dir.iterdir()) == []


# --- rotation ---------------------------------------------------------------------------------


def test_rotation_re_seals_every_row_and_leaves_none_on_the_old_key(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    before = clear_values()
    assert all(token.startswith("v1.k1.") for token in raw_tokens())

    out, err = rotate("--new-key", "--batch-size", "3")

    tokens = raw_tokens()
    assert tokens
    assert all(token.startswith("v1.k2.") for token in tokens)
    assert sealing.count_not_on_primary() == {}
    assert clear_values() == before
    assert f"added key k2 to {key_dir / sealing.KEY_FILE}; it is primary" in out
    assert "cases.subject: 7 rows re-sealed with k2" in out
    assert "0 rows remain on older keys" in out
    assert "key k1 seals no value now" in out
    assert "7/7" in err
    ring = Keyring.from_json((key_dir / sealing.KEY_FILE).read_text())
    assert (ring.primary, sorted(ring.keys)) == ("k2", ["k1", "k2"])  # the old key stays


def test_rotation_writes_one_audit_event_per_batch_and_never_a_value(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    rotate("--new-key", "--batch-size", "3")
    events = rotation_events()
    assert [event.action for event in events] == ["sealing.key.add"] + ["sealing.rotate"] * 3
    assert [event.after["rows"] for event in events[1:]] == [3, 3, 1]  # type: ignore[index]
    assert events[1].after == {"rows": 3, "from_keys": ["k1"], "to_key": "k2"}
    assert events[1].object_type == "cases.subject"
    assert {event.reason for event in events[1:]} == {"key rotation"}
    logged = json.dumps([[event.before, event.after, event.reason] for event in events])
    for name in NAMES:
        assert name not in logged


def test_rotation_with_keys_from_the_environment(
    env_keys: Keyring, monkeypatch: pytest.MonkeyPatch, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    before = clear_values()
    use_env_keys(monkeypatch, env_keys.with_new_primary())
    out, _ = rotate()
    assert "0 rows remain on older keys; every sealed value is under k2" in out
    assert all(token.startswith("v1.k2.") for token in raw_tokens())
    assert clear_values() == before


def test_a_new_key_is_refused_when_the_keys_come_from_the_environment(
    env_keys: Keyring, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    with pytest.raises(CommandError, match=f"come from {sealing.KEYS_ENV}: add a new key there"):
        rotate("--new-key")
    assert all(token.startswith("v1.k1.") for token in raw_tokens())
    assert rotation_events() == []


def test_a_dry_run_counts_and_changes_nothing(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    tokens = raw_tokens()
    out, _ = rotate("--new-key", "--dry-run")
    assert "would add a new primary key and re-seal every value" in out
    assert "cases.subject: 7 rows" in out
    assert raw_tokens() == tokens
    assert sealing.keyring().primary == "k1"
    out, _ = rotate("--dry-run")
    assert "total: 0 rows" in out
    assert rotation_events() == []


def test_rotation_with_nothing_to_do_says_so(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    out, _ = rotate()
    assert "0 rows remain on older keys; every sealed value is under k1" in out
    assert rotation_events() == []


def test_rotation_stops_at_a_value_that_does_not_open_and_keeps_the_batches_before(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    made = subjects()
    last = made[-1]
    other = Subject.objects.get(pk=made[0].pk).true_name
    Subject.objects.filter(pk=last.pk).update(true_name=other)  # moved from another row
    with pytest.raises(CommandError, match=f"cases.subject row {last.pk}, field true_name") as e:
        rotate("--new-key", "--batch-size", "2")
    for name in NAMES:
        assert name not in str(e.value)
    assert sealing.count_not_on_primary() == {"cases.subject": 1}
    assert Subject.objects.get(pk=made[0].pk).true_name.key_id == "k2"


def test_a_batch_size_below_one_is_refused(key_dir: Path, db: Any) -> None:
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        rotate("--batch-size", "0")


# --- retiring a key ---------------------------------------------------------------------------


def test_a_key_still_in_use_cannot_be_retired(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    sealing.add_primary_key()
    out, _ = rotate("--retire", "k1", "--dry-run")
    assert "cases.subject: 7 rows still under k1" in out
    with pytest.raises(CommandError, match=r"key k1 still seals values \(cases.subject: 7 rows\)"):
        rotate("--retire", "k1")
    assert "k1" in Keyring.from_json((key_dir / sealing.KEY_FILE).read_text()).keys


def test_a_key_no_value_uses_can_be_retired(
    key_dir: Path, subjects: Callable[..., list[Subject]]
) -> None:
    subjects()
    before = clear_values()
    rotate("--new-key")
    out, _ = rotate("--retire", "k1")
    assert "retired key k1; the keys are now k2 (primary k2)" in out
    ring = Keyring.from_json((key_dir / sealing.KEY_FILE).read_text())
    assert sorted(ring.keys) == ["k2"]
    assert clear_values() == before
    assert rotation_events()[-1].action == "sealing.key.retire"


@pytest.mark.parametrize(
    ("key_id", "message"),
    [("k1", "k1 is the primary key"), ("k9", "there is no sealing key 'k9'")],
    ids=["the primary key cannot be retired", "an unknown key cannot be retired"],
)
def test_retiring_the_primary_or_an_unknown_key_is_refused(
    key_id: str, message: str, key_dir: Path, db: Any
) -> None:
    with pytest.raises(CommandError, match=message):
        rotate("--retire", key_id)


# --- the command line -------------------------------------------------------------------------


def test_the_command_answers_to_its_dashed_name(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFECTOR_")}
    env["DEFECTOR_STATE_DIR"] = str(tmp_path)
    for argv in (["rotate-keys", "--help"], ["help", "rotate-keys"]):
        result = subprocess.run(
            [str(DEFECTOR), *argv], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "--new-key" in result.stdout
        assert "--retire KEY_ID" in result.stdout


# --- the progress bar -------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_progress_bar_redraws_one_line_on_a_terminal() -> None:
    written: list[str] = []
    clock = Clock()
    with Progress(10, label="re-sealing", write=written.append, tty=True, clock=clock) as bar:
        for _ in range(10):
            clock.now += 0.5
            bar.advance(1)
    assert all(text.startswith("\r") for text in written)
    assert written[0].startswith("\rre-sealing  [###---")
    assert " 1/10  10%" in written[0]
    assert written[-1] == "\r" + bar.line() + "\n"
    assert "10/10 100%" in written[-1]
    assert "0:05 elapsed" in written[-1]


def test_the_progress_bar_writes_few_plain_lines_elsewhere() -> None:
    written: list[str] = []
    clock = Clock()
    bar = Progress(1000, write=written.append, tty=False, clock=clock)
    for _ in range(1000):
        clock.now += 0.01
        bar.advance(1)
    bar.close()
    bar.close()
    assert len(written) == 10  # nine tenths on the way, and the end
    assert all(text.endswith("\n") and "\r" not in text for text in written)
    assert "500/1,000  50%" in written[4]
    assert "0:05 left" in written[4]


def test_the_progress_bar_copes_with_nothing_to_do() -> None:
    written: list[str] = []
    Progress(0, label="nothing", write=written.append, tty=False).close()
    assert len(written) == 1
    assert written[0].startswith("nothing  0  ")
