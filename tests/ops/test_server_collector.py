"""``defector serve``'s workers settle the cyclic collector once the application is loaded
(gunicorn's ``post_worker_init`` hook in ``defector.ops.server``): start-up's objects frozen
and the first threshold set, as the settings say."""

from __future__ import annotations

import gc
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import get_resolver

from defector.ops import server


class Worker:
    """What the hook needs of a gunicorn worker."""

    def handle_exit(self, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector and SIGINT as they were, whatever the hook did."""
    threshold = gc.get_threshold()
    handler = signal.getsignal(signal.SIGINT)
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    signal.signal(signal.SIGINT, handler)


def test_a_worker_freezes_what_start_up_made_and_sets_the_threshold(
    settings: Any, collector: None
) -> None:
    settings.SERVER_GC_FREEZE = True
    settings.SERVER_GC_THRESHOLD = 5_000
    _, older, oldest = gc.get_threshold()
    server.post_worker_init(Worker())
    frozen = gc.get_freeze_count()
    # Everything the process holds is frozen, the URLs and their views among it (loaded first).
    assert frozen > 10 * len(gc.get_objects())
    assert get_resolver().namespace_dict
    assert gc.get_threshold() == (5_000, older, oldest)


def test_a_worker_freezes_nothing_when_told_not_to(settings: Any, collector: None) -> None:
    settings.SERVER_GC_FREEZE = False
    settings.SERVER_GC_THRESHOLD = 700
    _, older, oldest = gc.get_threshold()
    server.post_worker_init(Worker())
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (700, older, oldest)
