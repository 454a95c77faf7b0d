"""The key file made on first use, when many threads ask for the keys at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from defector.core import sealing


def test_threads_racing_to_create_the_key_file_all_get_the_same_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(sealing.KEYS_ENV, raising=False)
    monkeypatch.setenv("DEFECTOR_STATE_DIR", str(tmp_path))
    sealing._key_file.cache_clear()
    sealing.reset_keyring()
    start = threading.Barrier(16)
    primaries: list[str] = []
    failures: list[BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            primaries.append(sealing.keyring().primary)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        assert len(set(primaries)) == 1
        assert (tmp_path / sealing.KEY_FILE).exists()
    finally:
        sealing.reset_keyring()
        sealing._key_file.cache_clear()
