"""A name taken apart once: its tokens with their spellings and skeletons, the given-name
rows each token belongs to, and its Chinese reading if it has one.

``analyse`` is cached (a pure function of the name), and so is the analysis of each word:
names share most of their words, so a word is taken apart once however many names have it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from defector.traces.matching import chinese, spelling
from defector.traces.matching.given_names import GIVEN_NAMES


@dataclass(frozen=True, slots=True)
class GivenName:
    """A given-name row a token belongs to: the row's name, and how the token relates to it."""

    row: str
    kind: str  # "name", "variant" or "diminutive"


@dataclass(frozen=True, slots=True, eq=False)
class Token:
    """One word of a name. Compared and hashed by identity: words are made once (cached) and
    the scorer's and the keys' caches are keyed by them."""

    text: str
    ascii: str
    forms: tuple[str, ...]  # skeletons: phonetic first, then stripped if it differs
    given: tuple[GivenName, ...]
    patronymic: bool

    @property
    def skel(self) -> str:
        return self.forms[0]


@dataclass(frozen=True, slots=True)
class Analysis:
    name: str
    script: str
    tokens: tuple[Token, ...]
    chinese: tuple[chinese.ChineseToken, ...] | None
    chinese_source: str  # "characters", "pinyin", "Wade–Giles" or ""


def _given_index() -> dict[str, tuple[GivenName, ...]]:
    index: dict[str, list[GivenName]] = {}
    for row, variants, diminutives in GIVEN_NAMES:
        entries = [(row, "name")]
        entries += [(variant, "variant") for variant in variants]
        entries += [(diminutive, "diminutive") for diminutive in diminutives]
        for form, kind in entries:
            keys = {spelling.skeleton(spelling.phonetic(form))}
            keys.add(spelling.skeleton(spelling.stripped(form)))
            for key in keys:
                found = index.setdefault(key, [])
                if all(entry.row != row for entry in found):
                    found.append(GivenName(row, kind))
    return {key: tuple(found) for key, found in index.items()}


#: Skeleton of a given name or diminutive → the rows it belongs to.
GIVEN_INDEX: Final = _given_index()

#: Skeleton of each row's own name, the form blocking keys use for every member of the row.
ROW_SKELETON: Final[dict[str, str]] = {
    row: spelling.skeleton(spelling.phonetic(row)) for row, _, _ in GIVEN_NAMES
}

_SEPARATORS: Final = re.compile(r"[\s,;/]+")
_FRENCH_CH: Final = re.compile(r"(?<![tsc])ch")


@lru_cache(maxsize=1 << 17)
def _token(text: str, *others: str) -> Token | None:
    """A word and its forms; ``others`` are more spellings of it (Wade–Giles for a word in
    Chinese characters)."""
    phonetic = spelling.phonetic(text)
    if not phonetic:
        return None
    forms = [spelling.skeleton(phonetic)]
    spellings = [spelling.stripped(text), *others]
    lowered = text.lower()
    if "ъ" in lowered or "щ" in lowered:
        # Bulgarian writes ъ as a and щ as sht (Kръстев → Krastev, Щерев → Shterev).
        spellings.append(spelling.phonetic(lowered.replace("ъ", "а").replace("щ", "шт")))
    if "x" in phonetic:
        # The scholarly romanisation writes х as x (Mixail): a form with x as h too.
        spellings.append(phonetic.replace("x", "h"))
    if text.isascii():
        # French writes ж as j (Nadejda, Joukov) and ш as ch (Gricha, Chevtchenko): forms
        # with j as zh and ch as sh too.
        if "j" in phonetic:
            spellings.append(phonetic.replace("j", "zh"))
        if "ch" in phonetic:
            spellings.append(_FRENCH_CH.sub("sh", phonetic))
    for other in spellings:
        form = spelling.skeleton(other)
        if form and form not in forms:
            forms.append(form)
    given: list[GivenName] = []
    for form in forms:
        for entry in GIVEN_INDEX.get(form, ()):
            if entry not in given:
                given.append(entry)
    return Token(text, phonetic, tuple(forms), tuple(given), patronymic=False)


@lru_cache(maxsize=1 << 14)
def _as_patronymic(token: Token) -> Token:
    return Token(token.text, token.ascii, token.forms, token.given, patronymic=True)


def _mark_patronymic(tokens: list[Token]) -> list[Token]:
    """A patronymic is told only in names of three or more words, and never in the first
    word (Yuriy Ivanovich Nosenko, Nosenko Yuriy Ivanovich); in a name of two words a Serbian
    surname in -ović stays a surname."""
    if len(tokens) < 3:
        return tokens
    marked = list(tokens)
    for position in range(1, len(tokens)):
        token = tokens[position]
        if spelling.looks_patronymic(token.skel):
            marked[position] = _as_patronymic(token)
    return marked


def _wade_giles(token: chinese.ChineseToken) -> str:
    """A word in Chinese characters spelled in Wade–Giles without apostrophes."""
    return "".join(
        chinese.wade_giles(min(syllable))[0].replace("'", "") for syllable in token if syllable
    )


@lru_cache(maxsize=1 << 16)
def analyse(name: str) -> Analysis:
    """Take a name apart (cached)."""
    text = " ".join(name.split())
    written = spelling.script(text)
    reading: tuple[chinese.ChineseToken, ...] | None = None
    source = ""
    if spelling.has_han(text):
        words = chinese.plain_pinyin(text)
        reading, source = chinese.from_characters(text), "characters"
    else:
        words = [word for word in _SEPARATORS.split(text) if word]
        if len(words) <= 3 and written.startswith("Latin"):
            sinic = chinese.from_latin(words)
            if sinic is not None:
                reading, source = sinic
    if reading is not None and source == "characters":
        made = [_token(word, _wade_giles(part)) for word, part in zip(words, reading, strict=False)]
    else:
        made = [_token(word.replace("-", "")) for word in words]
    tokens = [token for token in made if token]
    return Analysis(text, written, tuple(_mark_patronymic(tokens)), reading, source)
