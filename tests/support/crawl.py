"""A crawl of the site as one signed-in user: every page reachable by a link (or a ``GET``
form, such as a search) from home, same-origin GETs only, bounded; and what is wrong on each
page.

Used by ``tests/web/test_crawl.py`` (Django's test client, everywhere) and
``tests/e2e/test_browser_crawl.py`` (Chromium at 390 px, in CI). A page is fetched by a
``fetch(url) -> Fetched`` the caller gives; the crawl parses its links (``<a href>``) and the
actions of its forms (a ``GET`` of a form's action must lead somewhere: never a 405).

Problems found: a 5xx; a 405 answering a ``GET``; a time of day without its zone ("UTC"); a
``<select multiple>`` (a Ctrl-click list, which a phone cannot use);
an identifier on screen (a ``snake_case``
word in the visible text, an ``<option>``'s label included — not in a ``<pre>`` block, which
shows data as data (JSON), nor in scripts, styles, attributes or what a user typed).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import urldefrag, urljoin, urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

#: A word of lower-case letters and digits joined by underscores: an identifier.
IDENTIFIER: Final = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
#: A time of day (``09:14``, ``09:14:05``) not followed by its zone, nor the start of a range
#: whose end says it (``09:00 to 11:00 UTC``).
ZONELESS_TIME: Final = re.compile(
    r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?![\d:]|\.\d)(?!\s*(?:UTC|Z\b))"
    r"(?!\s*(?:to|–)\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:UTC|Z\b))"
)
#: Elements whose text is no label: scripts, styles, data shown as data (JSON in ``<pre>``),
#: what a user typed, and what a user must type literally (``<code>``: a file's column names).
SILENT: Final = frozenset({"script", "style", "template", "pre", "textarea", "code"})
#: Addresses never followed: the API (JSON), files, and signing out.
SKIPPED: Final = ("/api/", "/static/", "/media/", "/sign-out", "/account/sign-out")
#: At most this many pages of one view (the same URL name) are fetched per user.
PER_VIEW: Final = 2
#: At most this many pages are fetched per user.
PAGES: Final = 250


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int
    content_type: str = ""
    html: str = ""
    location: str = ""
    #: The SQL queries the page cost (``None`` where the fetcher cannot see them).
    queries: int | None = None


class Page(HTMLParser):
    """What one page offers: its links, its forms' actions, its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.actions: list[str] = []
        self.text: list[str] = []
        #: The names of the ``<select multiple>`` controls (Ctrl-click lists, none wanted).
        self.multiple_selects: list[str] = []
        self._silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SILENT:
            self._silent += 1
        if tag == "a" and values.get("href") and "download" not in values:
            self.links.append(values["href"] or "")
        if tag == "select" and "multiple" in values:
            self.multiple_selects.append(values.get("name") or "?")
        if tag == "form":
            method = (values.get("method") or "get").lower()
            if method == "post" and values.get("action"):
                self.actions.append(values["action"] or "")
            elif method == "get" and values.get("action"):
                # A search or filter form leads to a page, as a link does.
                self.links.append(values["action"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent and data.strip():
            self.text.append(" ".join(data.split()))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def zoneless_times(text: str) -> list[str]:
    """The times of day of a visible text that do not say their zone."""
    return ZONELESS_TIME.findall(text)


def identifiers(text: str) -> list[str]:
    """The identifier-looking words of a visible text."""
    return IDENTIFIER.findall(text)


def view_of(path: str) -> str | None:
    """The view a path shows, for the ``PER_VIEW`` bound; each tab of the case page
    (``cases:tab``) counts as a view of its own, so that the crawl visits every tab."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    tab = match.kwargs.get("tab")
    return f"{match.view_name}:{tab}" if tab else match.view_name


def _local(base: str, href: str) -> str | None:
    """``href`` as a path (and query) on this site, or ``None`` for elsewhere."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url, _ = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(base).netloc:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED):
        return None
    return f"{path}?{parts.query}" if parts.query else path


@dataclass
class Crawl:
    """The pages one user reached, and what was wrong."""

    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: The SQL queries each page cost, by its address (where the fetcher counts them).
    queries: dict[str, int] = field(default_factory=dict)


def crawl(fetch: Callable[[str], Fetched], start: str = "/", who: str = "") -> Crawl:
    """Follow every same-origin link from ``start`` (bounded: ``PER_VIEW``, ``PAGES``), GET
    every form's action once, and report what is wrong."""
    result = Crawl()
    seen: set[str] = set()
    per_view: Counter[str] = Counter()
    actions_seen: set[str] = set()
    queue: deque[str] = deque([start])
    base = "http://testserver"
    while queue and len(result.pages) < PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        view = view_of(url.split("?", 1)[0]) or url
        if per_view[view] >= PER_VIEW:
            continue
        per_view[view] += 1
        got = fetch(url)
        if got.status >= 500 or got.status == 405:
            result.problems.append(f"{who}: GET {url} answered {got.status}")
            continue
        if got.status in (301, 302, 303, 307, 308):
            target = _local(base + url, got.location)
            if target is not None and target not in seen:
                queue.append(target)
            continue
        if got.status != 200 or "html" not in got.content_type:
            continue
        result.pages.append(url)
        if got.queries is not None:
            result.queries[url] = got.queries
        page = parse(got.html)
        text = " \n ".join(page.text)
        for word in sorted(set(identifiers(text))):
            result.problems.append(f"{who}: {url} shows the identifier {word!r}")
        for name in page.multiple_selects:
            result.problems.append(f"{who}: {url} has a Ctrl-click list ({name})")
        for time in sorted(set(zoneless_times(text))):
            result.problems.append(f"{who}: {url} shows the time {time!r} without its zone")
        for href in page.links:
            target = _local(base + url, href)
            if target is not None and target not in seen:
                queue.append(target)
        for action in page.actions:
            target = _local(base + url, action)
            if target is None or target in actions_seen:
                continue
            actions_seen.add(target)
            answer = fetch(target)
            if answer.status >= 500 or answer.status == 405:
                result.problems.append(
                    f"{who}: GET of the form action {target} (on {url}) answered {answer.status}"
                )
            elif answer.status == 303:
                page_url = _local(base + target, answer.location)
                landed = fetch(page_url).status if page_url is not None else 0
                if landed not in (200, 302):
                    result.problems.append(
                        f"{who}: GET of the form action {target} (on {url}) leads to "
                        f"{answer.location}, which answered {landed}"
                    )
    return result


def client_fetcher(client: Client) -> Callable[[str], Fetched]:
    """``fetch`` through Django's test client (signed in as the client is)."""

    def fetch(url: str) -> Fetched:
        with CaptureQueriesContext(connection) as counted:
            response = client.get(url)
        html = "" if response.streaming else response.content.decode(errors="replace")
        return Fetched(
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            html=html,
            location=response.get("Location", ""),
            queries=len(counted),
        )

    return fetch


def one_per_role(accounts: Iterable[Any]) -> list[Any]:
    """One demo account (``ops.demo.DemoAccount``) of each set of roles: Tokyo's officials
    hold the roles Vienna's hold."""
    chosen: dict[tuple[str, ...], Any] = {}
    for account in accounts:
        chosen.setdefault(tuple(sorted(role for role, _ in account.roles)), account)
    return list(chosen.values())


def one_per_view(pages: Iterable[str]) -> list[str]:
    """The first page of each view (URL name) among ``pages``."""
    chosen: dict[str, str] = {}
    for url in pages:
        chosen.setdefault(view_of(url.split("?", 1)[0]) or url, url)
    return list(chosen.values())
