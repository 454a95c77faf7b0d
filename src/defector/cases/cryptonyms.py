"""Cryptonyms: the name a case is known by everywhere — lists, reports, minutes, logs (``6b(1)``).

A cryptonym is a two-letter digraph and a word, the classic form: ``AE`` + ``LANTERN`` is
``AELANTERN``. Both come from configurable lists:

- ``DEFECTOR_CRYPTONYM_WORDS``: the path of a file with one word per line (blank lines and
  ``#`` comments ignored; letters A-Z only, 3 to 24 of them). Default: the embedded list
  ``cases/data/cryptonym_words.txt`` of about 300 neutral English words.
- ``DEFECTOR_CRYPTONYM_DIGRAPHS``: a list of two-letter prefixes (or one string of them separated
  by spaces or commas). Default: :data:`DEFAULT_DIGRAPHS`.

A cryptonym is drawn with :mod:`secrets` and nothing else: it takes no argument about the person,
so it cannot be derived from a name. It is unique — a drawn cryptonym already in use is drawn
again, and when the whole space is in use :class:`CryptonymsExhausted` says so and what to do.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable, Collection, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Final

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from defector.core.errors import DomainError

WORDS_SETTING: Final = "DEFECTOR_CRYPTONYM_WORDS"
DIGRAPHS_SETTING: Final = "DEFECTOR_CRYPTONYM_DIGRAPHS"
DEFAULT_DIGRAPHS: Final = (
    "AE",
    "BE",
    "CA",
    "DI",
    "GA",
    "KU",
    "LI",
    "MH",
    "QK",
    "RY",
    "ST",
    "ZR",
)
EMBEDDED_WORDS: Final = "cryptonym_words.txt"
WORD: Final = re.compile(r"[A-Z]{3,24}")
DIGRAPH: Final = re.compile(r"[A-Z]{2}")
#: Random draws before falling back to listing the free cryptonyms (a nearly full space).
RANDOM_DRAWS: Final = 24


class CryptonymsExhausted(DomainError):
    """Every cryptonym the word and digraph lists can make is in use."""

    code = "cryptonyms_exhausted"
    status = 503


# --- the lists ----------------------------------------------------------------------------


def parse_words(text: str, source: str) -> tuple[str, ...]:
    """The words of a word-list file, upper-cased, without repeats, in the file's order."""
    found: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        word = entry.upper()
        if not WORD.fullmatch(word):
            raise ImproperlyConfigured(
                f"{source}, line {number}: {entry!r} is not a word of 3 to 24 letters A-Z"
            )
        found[word] = None
    if not found:
        raise ImproperlyConfigured(f"{source} holds no cryptonym words")
    return tuple(found)


@functools.lru_cache(maxsize=8)
def _words_from(path: str, stamp: int) -> tuple[str, ...]:
    """The words of ``path`` (the embedded list when empty); ``stamp`` renews the cache when the
    file changes."""
    if not path:
        embedded = resources.files("defector.cases.data").joinpath(EMBEDDED_WORDS)
        return parse_words(embedded.read_text(encoding="utf-8"), f"the embedded {EMBEDDED_WORDS}")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"{WORDS_SETTING}: cannot read {path}: {exc}") from None
    return parse_words(text, f"{WORDS_SETTING} ({path})")


def words() -> tuple[str, ...]:
    """The configured cryptonym words."""
    path = str(getattr(settings, WORDS_SETTING, "") or "")
    stamp = 0
    if path:
        try:
            stamp = Path(path).stat().st_mtime_ns
        except OSError as exc:
            raise ImproperlyConfigured(f"{WORDS_SETTING}: cannot read {path}: {exc}") from None
    return _words_from(path, stamp)


def digraphs() -> tuple[str, ...]:
    """The configured digraphs, upper-cased, without repeats."""
    raw: str | Sequence[str] = getattr(settings, DIGRAPHS_SETTING, DEFAULT_DIGRAPHS)
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    found: dict[str, None] = {}
    for item in items:
        digraph = str(item).strip().upper()
        if not DIGRAPH.fullmatch(digraph):
            raise ImproperlyConfigured(f"{DIGRAPHS_SETTING}: {item!r} is not two letters A-Z")
        found[digraph] = None
    if not found:
        raise ImproperlyConfigured(f"{DIGRAPHS_SETTING} names no digraphs")
    return tuple(found)


def space_size() -> int:
    """How many different cryptonyms the lists can make."""
    return len(digraphs()) * len(words())


def every() -> Iterator[str]:
    """Every cryptonym the lists can make, digraph by digraph."""
    vocabulary = words()
    for digraph in digraphs():
        for word in vocabulary:
            yield digraph + word


def check_configuration() -> list[str]:
    """What is wrong with the configured lists (empty when they are usable)."""
    problems = []
    for load in (words, digraphs):
        try:
            load()
        except ImproperlyConfigured as exc:
            problems.append(str(exc))
    return problems


# --- drawing one --------------------------------------------------------------------------


def draw() -> str:
    """One cryptonym drawn at random from the lists (it may be in use)."""
    return secrets.choice(digraphs()) + secrets.choice(words())


def unused(in_use: Callable[[str], bool], all_in_use: Callable[[], Collection[str]]) -> str:
    """A cryptonym for which ``in_use`` is false.

    Draws at random; after :data:`RANDOM_DRAWS` draws that are all taken (a nearly full space),
    it lists the free ones (``all_in_use``) and draws from those, and fails clearly when there
    are none.
    """
    for _ in range(RANDOM_DRAWS):
        candidate = draw()
        if not in_use(candidate):
            return candidate
    taken = set(all_in_use())
    free = [candidate for candidate in every() if candidate not in taken]
    if not free:
        raise CryptonymsExhausted(
            f"all {space_size()} cryptonyms are in use; add words to the list that "
            f"{WORDS_SETTING} names, or digraphs to {DIGRAPHS_SETTING}"
        )
    return secrets.choice(free)


def new_cryptonym() -> str:
    """A cryptonym that no case has (the model looked up by label: this module loads before
    the models, for the system check of its lists)."""
    cases = apps.get_model("cases", "Case").objects
    return unused(
        lambda candidate: cases.filter(cryptonym=candidate).exists(),
        lambda: set(cases.values_list("cryptonym", flat=True)),
    )
