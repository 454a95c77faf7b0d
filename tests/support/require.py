"""Optional parts of the suite and ``DEFECTOR_TEST_REQUIRE``.

A suite whose prerequisite is missing (PostgreSQL, the browser, sqlmap, the shared contracts)
is skipped, unless ``DEFECTOR_TEST_REQUIRE`` (comma-separated: ``postgres``, ``browser``,
``shared``, ``sqlmap``) names that part: then its absence fails. CI requires every part.
"""

from __future__ import annotations

import os

import pytest


def required_parts() -> set[str]:
    raw = os.environ.get("DEFECTOR_TEST_REQUIRE", "")
    return {part.strip() for part in raw.split(",") if part.strip()}


def skip_or_fail(part: str, reason: str) -> None:
    """Skip a test whose prerequisite ``part`` is missing, unless CI requires that part."""
    if part in required_parts():
        pytest.fail(f"{part} is required (DEFECTOR_TEST_REQUIRE) but {reason}", pytrace=False)
    pytest.skip(reason)
