"""The case list's marker of threat information not yet disseminated, written out in Python
(``{% threat_list_banner %}``), is the HTML of the template it replaced, byte for byte
(``reference/list_banner.html``, as it was): with and without due times, overdue or not, and
values that need escaping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone

from defector.dissemination.queries.threats import Undisseminated

REFERENCE = Path(__file__).parent / "reference" / "list_banner.html"
NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def item(number: int, **changes: object) -> Undisseminated:
    fields: dict[str, object] = {
        "case_id": 100 + number,
        "cryptonym": f"ICE<{number}>&\"'",
        "post": "V&<I>E",
        "due_at": NOW + dt.timedelta(hours=number - 2, minutes=7, microseconds=number),
        "overdue": number < 2,
        "wait": f"{number} h <left>",
    }
    return Undisseminated(**(fields | changes))  # type: ignore[arg-type]


SCENES: dict[str, dict[str, object]] = {
    "none": {"items": [], "clause": "6b(3)(a)"},
    "one": {"items": [item(1)], "clause": "6b(3)(a)"},
    "several": {
        "items": [item(0), item(1, due_at=None, wait=""), item(3), item(4, post="")],
        "clause": "6b(3)(a)",
    },
    "unknown clause": {"items": [item(2)], "clause": "zz<1>"},
}


@pytest.mark.parametrize("scene", list(SCENES))
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_list_banner_is_the_html_of_the_template_it_replaced(scene: str, zone: str) -> None:
    engine = engines["django"]
    context = {"data": SCENES[scene]}
    with timezone.override(zone):
        expected = engine.from_string(REFERENCE.read_text()).render(context)
        written = engine.get_template("dissemination/list_banner.html").render(context)

    assert written == expected
