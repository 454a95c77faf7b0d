"""The screenshots of the demo (``scripts/screenshots``, ``make screenshots``): the index the
script writes lists exactly the pictures in ``docs/screenshots/``, each a PNG."""

from __future__ import annotations

import re
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: A row of the index: ``| [file.png](file.png) | what | size |``.
ROW = re.compile(r"^\| \[(?P<name>[^\]]+)\]\((?P<target>[^)]+)\) \|", re.MULTILINE)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def listed() -> list[str]:
    index = (SCREENSHOTS / "README.md").read_text(encoding="utf-8")
    rows = [(m["name"], m["target"]) for m in ROW.finditer(index)]
    assert all(name == target for name, target in rows), rows
    return [name for name, _ in rows]


def test_the_index_lists_exactly_the_screenshots_present() -> None:
    present = sorted(path.name for path in SCREENSHOTS.iterdir() if path.name != "README.md")
    assert present, "docs/screenshots/ holds no screenshot: run make screenshots"
    assert sorted(listed()) == present


def test_every_screenshot_is_a_png_of_the_home_pages_or_the_case_page() -> None:
    names = listed()
    for name in names:
        assert (SCREENSHOTS / name).read_bytes()[:8] == PNG_SIGNATURE, name
    assert {"case-desktop.png", "case-phone.png"} <= set(names)
    homes = {name for name in names if name.startswith("home-")}
    assert {n.removesuffix("-desktop.png") for n in homes if n.endswith("-desktop.png")} == {
        n.removesuffix("-phone.png") for n in homes if n.endswith("-phone.png")
    }
