"""The demo's committees: one for every post with diplomatic representation (``6``)."""

from __future__ import annotations

from defector.committees import actions as committees


def load_committees() -> None:
    """A committee for every post with diplomatic representation (``6``)."""
    committees.ensure_committees(acting_user=None)
