"""Cryptonyms: the name a case is known by everywhere — lists, reports, minutes, logs (``6b(1)``).

A cryptonym is a two-letter digraph and a word, the classic form: ``AE`` + ``LANTERN`` is
``AELANTERN``. Both lists are data shipped in the package (``cases/data/``):

- ``cryptonym_digraphs.txt``: 618 digraphs — every pair of letters but doubled letters, pairs of
  look-alike letters, and offensive or loaded pairs (the file says which);
- ``cryptonym_words.txt``: about 2,800 short, pronounceable, neutral English nouns — no names,
  nationalities, places or peoples, nothing offensive or about a person's circumstances.

Together they make about 1.7 million cryptonyms (:func:`space_size`; ``docs/cases.md``), so the
program never runs out in practice and concurrent intakes almost never draw the same one. Two
settings replace the lists, for a program that wants its own:

- ``DEFECTOR_CRYPTONYM_WORDS``: the path of a file with one word per line (blank lines and
  ``#`` comments ignored; letters A-Z only, 3 to 24 of them).
- ``DEFECTOR_CRYPTONYM_DIGRAPHS``: a list of two-letter prefixes (or one string of them separated
  by spaces or commas).

A cryptonym is drawn with :mod:`secrets` and nothing else, uniformly over the pairs: it takes no
argument about the person, so it cannot be derived from a name. A pair whose digraph runs into
its word to spell something offensive (``RA`` + ``PEACH``) is never made (:data:`BAD_JOINS`).
It is unique — a drawn cryptonym already in use is drawn again, and when the whole space is in
use :class:`CryptonymsExhausted` says so and what to do.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Final

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from defector.core.errors import DomainError
from defector.core.prepared import Param, Prepared

WORDS_SETTING: Final = "DEFECTOR_CRYPTONYM_WORDS"
DIGRAPHS_SETTING: Final = "DEFECTOR_CRYPTONYM_DIGRAPHS"
EMBEDDED_WORDS: Final = "cryptonym_words.txt"
EMBEDDED_DIGRAPHS: Final = "cryptonym_digraphs.txt"
WORD: Final = re.compile(r"[A-Z]{3,24}")
DIGRAPH: Final = re.compile(r"[A-Z]{2}")
#: Random draws before falling back to listing the free cryptonyms (a nearly full space).
RANDOM_DRAWS: Final = 24
#: What a digraph may not spell together with the start of its word (``RA`` + ``PEACH``). Only
#: strings that begin in the digraph count: a word's own letters are the curated list's affair.
BAD_JOINS: Final = (
    "ANAL",
    "ANUS",
    "ARSE",
    "ASS",
    "CHINK",
    "COCK",
    "CUM",
    "CUNT",
    "DAGO",
    "DICK",
    "FAG",
    "FUCK",
    "GOOK",
    "HITLER",
    "HOMO",
    "JEW",
    "JIZZ",
    "KIKE",
    "KILL",
    "KKK",
    "NAZI",
    "NIG",
    "PISS",
    "PORN",
    "RAPE",
    "SEX",
    "SHIT",
    "SLUT",
    "SPIC",
    "TIT",
    "TWAT",
    "WANK",
    "WHORE",
)


class CryptonymsExhausted(DomainError):
    """Every cryptonym the word and digraph lists can make is in use."""

    code = "cryptonyms_exhausted"
    status = 503


class CryptonymsBusy(DomainError):
    """Every cryptonym drawn for one intake was taken meanwhile by a concurrent intake."""

    code = "cryptonyms_busy"
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


def parse_digraphs(items: Iterable[object], source: str) -> tuple[str, ...]:
    """Digraphs, upper-cased, without repeats, in the given order."""
    found: dict[str, None] = {}
    for item in items:
        digraph = str(item).strip().upper()
        if not DIGRAPH.fullmatch(digraph):
            raise ImproperlyConfigured(f"{source}: {item!r} is not two letters A-Z")
        found[digraph] = None
    if not found:
        raise ImproperlyConfigured(f"{source} names no digraphs")
    return tuple(found)


@functools.lru_cache(maxsize=1)
def _embedded_digraphs() -> tuple[str, ...]:
    text = resources.files("defector.cases.data").joinpath(EMBEDDED_DIGRAPHS).read_text("utf-8")
    items = [
        item
        for line in text.splitlines()
        if not line.strip().startswith("#")
        for item in line.split()
    ]
    return parse_digraphs(items, f"the embedded {EMBEDDED_DIGRAPHS}")


def digraphs() -> tuple[str, ...]:
    """The configured digraphs (the embedded list unless the setting names others)."""
    raw: str | Sequence[str] | None = getattr(settings, DIGRAPHS_SETTING, None)
    if raw is None:
        return _embedded_digraphs()
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    return parse_digraphs(items, DIGRAPHS_SETTING)


def joins_badly(digraph: str, word: str) -> bool:
    """Whether ``digraph`` runs into ``word`` to spell one of :data:`BAD_JOINS`."""
    joined = digraph + word[:8]
    return any(joined.startswith(bad, at) for bad in BAD_JOINS for at in (0, 1))


@functools.lru_cache(maxsize=8)
def _bad_pairs(prefixes: tuple[str, ...], vocabulary: tuple[str, ...]) -> frozenset[str]:
    """The cryptonyms the lists would make that :func:`joins_badly` leaves out (found by the
    start of the word, not by trying every pair)."""
    ordered = sorted(vocabulary)
    bad: set[str] = set()
    for digraph, term, at in itertools.product(prefixes, BAD_JOINS, (0, 1)):
        lead = digraph[at:]
        if len(term) <= len(lead) or not term.startswith(lead):
            continue
        rest = term[len(lead) :]
        index = bisect.bisect_left(ordered, rest)
        while index < len(ordered) and ordered[index].startswith(rest):
            bad.add(digraph + ordered[index])
            index += 1
    return frozenset(bad)


def space_size() -> int:
    """How many different cryptonyms the lists can make."""
    prefixes, vocabulary = digraphs(), words()
    return len(prefixes) * len(vocabulary) - len(_bad_pairs(prefixes, vocabulary))


def every() -> Iterator[str]:
    """Every cryptonym the lists can make, digraph by digraph."""
    prefixes, vocabulary = digraphs(), words()
    bad = _bad_pairs(prefixes, vocabulary)
    for digraph in prefixes:
        for word in vocabulary:
            if digraph + word not in bad:
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
    """One cryptonym drawn at random from the lists (it may be in use): a digraph and a word,
    each uniformly with :mod:`secrets`, drawn again in the rare case they join badly."""
    prefixes, vocabulary = digraphs(), words()
    for _ in range(RANDOM_DRAWS):
        digraph, word = secrets.choice(prefixes), secrets.choice(vocabulary)
        if not joins_badly(digraph, word):
            return digraph + word
    raise CryptonymsExhausted(
        f"the cryptonym lists make hardly any acceptable cryptonym; add words to the list that "
        f"{WORDS_SETTING} names, or digraphs to {DIGRAPHS_SETTING}"
    )


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
        lambda candidate: bool(_HOLDER.slice(0, 1, cryptonym=candidate)),
        lambda: set(cases.values_list("cryptonym", flat=True)),
    )


#: The case holding a cryptonym, if any: a prepared read (``core.prepared``), compiled once.
_HOLDER: Final = Prepared(
    lambda: (
        apps.get_model("cases", "Case")
        .objects.filter(cryptonym=Param("cryptonym"))
        .order_by()
        .values("pk")
    )
)
