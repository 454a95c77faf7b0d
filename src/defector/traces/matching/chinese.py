"""Chinese names: characters → pinyin (pypinyin), and Wade–Giles ↔ pinyin by a syllable table.

A Chinese reading of a name is a tuple of tokens (surname, given name), each a tuple of
syllables, each syllable the set of pinyin syllables it may stand for: one for a character
(several for a surname character read differently as a surname, 曾 zēng/céng), one for
pinyin, and up to four for Wade–Giles written without its aspiration apostrophes ("Chang" is
Zhang or Chang).

The Wade–Giles table is built once, at import, from every pinyin syllable pypinyin knows
(its character dictionary, tones dropped) by the standard pinyin → Wade–Giles rules; read
backwards it gives each Wade–Giles syllable its pinyin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import product
from typing import Final

from anyascii import anyascii
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.pinyin_dict import pinyin_dict

_TONELESS: Final = re.compile(r"[^a-zü]")


def _toneless(reading: str) -> str:
    return _TONELESS.sub("", anyascii(reading.replace("ü", "v")).lower().replace("v", "ü"))


def _syllables() -> frozenset[str]:
    found: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllable = _toneless(reading).replace("ü", "v")
            if syllable and syllable.isalpha() and len(syllable) <= 6:
                found.add(syllable)
    return frozenset(found - {"m", "n", "ng", "hm", "hng", "ê"})


#: Every pinyin syllable (``ü`` written ``v``, as pypinyin does).
PINYIN: Final = _syllables()

_INITIALS: Final = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h")
_INITIALS_2: Final = ("j", "q", "x", "r", "z", "c", "s", "y", "w")
_WG_INITIAL: Final[dict[str, str]] = {
    "b": "p",
    "p": "p'",
    "d": "t",
    "t": "t'",
    "g": "k",
    "k": "k'",
    "j": "ch",
    "q": "ch'",
    "x": "hs",
    "zh": "ch",
    "ch": "ch'",
    "sh": "sh",
    "r": "j",
    "z": "ts",
    "c": "ts'",
}
_WG_WHOLE: Final[dict[str, tuple[str, ...]]] = {
    "zi": ("tzu", "tsu"),
    "ci": ("tz'u", "ts'u"),
    "si": ("ssu", "szu"),
    "zhi": ("chih",),
    "chi": ("ch'ih",),
    "shi": ("shih",),
    "ri": ("jih",),
    "e": ("o", "e"),
    "er": ("erh",),
    "ye": ("yeh",),
    "yan": ("yen",),
    "you": ("yu",),
    "yong": ("yung",),
    "yue": ("yueh",),
    "yi": ("i", "yi"),
}


#: Finals Wade–Giles writes ``o``: ge → ko, duo → to.
_TO_O: Final = frozenset(
    {("e", initial) for initial in ("g", "k", "h")}
    | {("uo", initial) for initial in ("d", "t", "n", "l", "z", "c", "s")}
)


def _split(syllable: str) -> tuple[str, str]:
    for initial in (*_INITIALS, *_INITIALS_2):
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def wade_giles(syllable: str) -> tuple[str, ...]:
    """The Wade–Giles spellings of one pinyin syllable (umlauts dropped, apostrophes kept)."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    initial, final = _split(syllable.replace("v", "u"))
    if initial in ("y", "w"):
        return (syllable.replace("v", "u").replace("ong", "ung"),)
    if final.endswith("ong"):
        final = final[:-3] + "ung"
    if final == "ian":
        final = "ien"
    elif final in ("ie", "ue"):
        final += "h"
    elif final == "ui" and initial in ("g", "k"):
        final = "uei"
    elif (final, initial) in _TO_O:
        final = "o"
    return (_WG_INITIAL.get(initial, initial) + final,)


def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for syllable in PINYIN:
        for spelling in wade_giles(syllable):
            table.setdefault(spelling, set()).add(syllable)
            table.setdefault(spelling.replace("'", ""), set()).add(syllable)
    return {spelling: frozenset(found) for spelling, found in table.items()}


#: Wade–Giles syllable (with or without its apostrophe) → the pinyin syllables it may be.
WADE_GILES: Final = _table()

#: Two-character surnames (复姓) kept as one token.
COMPOUND_SURNAMES: Final = frozenset(
    {"欧阳", "司马", "诸葛", "上官", "司徒", "东方", "夏侯", "皇甫", "尉迟", "公孙", "慕容", "长孙"}
)

Syllable = frozenset[str]
ChineseToken = tuple[Syllable, ...]


@lru_cache(maxsize=1 << 16)
def from_characters(text: str) -> tuple[ChineseToken, ...]:
    """The reading of a name in Chinese characters: surname first, then the given name."""
    chars = "".join(char for char in text if not char.isspace())
    cut = 2 if chars[:2] in COMPOUND_SURNAMES else 1
    surname = tuple(
        frozenset(_toneless(reading).replace("ü", "v") for reading in readings)
        for readings in pinyin(chars[:cut], style=Style.NORMAL, heteronym=True)
    )
    given = tuple(frozenset({syllable}) for syllable in lazy_pinyin(chars[cut:], v_to_u=False))
    return (surname, given) if given else (surname,)


@lru_cache(maxsize=1 << 16)
def plain_pinyin(text: str) -> list[str]:
    """The pinyin of a name in characters as two words, surname first (毛泽东 → mao zedong)."""
    chars = "".join(char for char in text if not char.isspace())
    cut = 2 if chars[:2] in COMPOUND_SURNAMES else 1
    return ["".join(lazy_pinyin(part, v_to_u=False)) for part in (chars[:cut], chars[cut:]) if part]


def _readings(part: str) -> Syllable:
    found = set(WADE_GILES.get(part, ()))
    bare = part.replace("'", "")
    if bare in PINYIN:
        found.add(bare)
    found.update(WADE_GILES.get(bare, ()) if "'" not in part else ())
    return frozenset(found)


def _segment(word: str) -> list[str] | None:
    """Cut an unhyphenated romanised word into syllables (Zedong → ze dong), longest first."""
    if not word:
        return []
    for size in range(min(6, len(word)), 0, -1):
        head = word[:size]
        if head in PINYIN or head in WADE_GILES:
            rest = _segment(word[size:])
            if rest is not None:
                return [head, *rest]
    return None


@lru_cache(maxsize=1 << 16)
def _word(word: str) -> tuple[ChineseToken, bool] | None:
    """One romanised word as Chinese syllables, and whether it is Wade–Giles (cached)."""
    cleaned = anyascii(word.lower().replace("’", "'").replace("‘", "'"))
    parts = [part for part in re.split(r"[-\s]+", cleaned) if part]
    if len(parts) == 1 and "'" not in parts[0]:
        cut = _segment(parts[0])
        if cut is None:
            return None
        parts = cut
    if not 1 <= len(parts) <= 3:
        return None
    token: list[Syllable] = []
    wade = False
    for part in parts:
        readings = _readings(part)
        if not readings:
            return None
        wade = wade or part.replace("'", "") not in PINYIN
        token.append(readings)
    return tuple(token), wade


def from_latin(words: Iterable[str]) -> tuple[tuple[ChineseToken, ...], str] | None:
    """The Chinese reading of a romanised name, and whether it reads as pinyin or
    Wade–Giles; ``None`` if the name is not made of Chinese syllables."""
    tokens: list[ChineseToken] = []
    wade = False
    for word in words:
        found = _word(word)
        if found is None:
            return None
        tokens.append(found[0])
        wade = wade or found[1]
    if not 1 <= len(tokens) <= 3 or all(len(token) > 1 for token in tokens):
        return None
    if len(tokens) == 3 and all(len(token) == 1 for token in tokens):
        tokens = [tokens[0], tokens[1] + tokens[2]]
    return tuple(tokens), ("Wade–Giles" if wade else "pinyin")


_COARSE_INITIAL: Final[dict[str, str]] = {
    "zh": "J",
    "ch": "J",
    "j": "J",
    "q": "J",
    "z": "Z",
    "c": "Z",
    "b": "B",
    "p": "B",
    "d": "D",
    "t": "D",
    "g": "G",
    "k": "G",
}


@lru_cache(maxsize=4096)
def coarse(syllable: str) -> str:
    """A pinyin syllable with aspiration and retroflexion folded, as Wade–Giles written
    without apostrophes cannot tell them apart."""
    initial, final = _split(syllable)
    return _COARSE_INITIAL.get(initial, initial) + final


def token_codes(token: ChineseToken, cap: int = 8) -> frozenset[str]:
    """Coarse codes of a Chinese token, one per combination of its syllables' readings."""
    choices = [sorted({coarse(reading) for reading in syllable}) for syllable in token]
    codes: set[str] = set()
    for combination in product(*choices):
        codes.add("".join(combination))
        if len(codes) >= cap:
            break
    return frozenset(codes)
