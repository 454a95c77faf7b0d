"""Spelling of one name token: script detection, romanisation and the phonetic skeleton.

A name written in any script becomes lower-case ASCII in two ways:

- *phonetic*: the letters of the `2a` languages that stand for a sound written with two
  letters elsewhere become those two letters first (Czech ``č`` and Polish ``cz`` → ``ch``,
  ``š``/``ś``/``ș``/``sz`` → ``sh``, ``ž``/``ż`` → ``zh``, Serbian ``ћ`` → ``ch``, ISO 9's
  ``ŝ`` → ``shch``, …), then anyascii romanises whatever is left (Cyrillic as BGN/PCGN);
- *stripped*: anyascii alone (``č`` → ``c``), which is how such names are often keyed in.

The *skeleton* of an ASCII spelling folds the romanisation conventions of Russian and its
neighbours into one form: the English, French, German, Polish, ISO 9 and scholarly spellings
of the same Cyrillic letter meet (``kh``/``ch``/``h`` → ``C``; ``sh``/``sch``/``sz``/``zh`` →
``S``; ``ts``/``tz``/``c`` → ``Z``; ``y``/``j`` → ``i``; ``w`` → ``v``; ``ou`` → ``u``),
doubled letters collapse (Nossenko → Nosenko), a final ``-off``/``-ow`` becomes ``-ov``,
``ё`` after a consonant is ``e`` however written (Fyodor, Fjodor, Fiodor, Fëdor, Fedor), and the
iotation of ``ya``/``ia``/``ja`` after a consonant disappears. The skeleton is coarse on
purpose: it is what blocking keys and fuzzy comparison work on, never shown to anyone.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from anyascii import anyascii

#: Letters whose sound other conventions write with two letters (lower case), applied before
#: anyascii. Cyrillic letters of Serbian, Macedonian and Ukrainian are here too, because
#: anyascii romanises ``ћ`` and ``ц`` alike.
LETTERS: Final[dict[str, str]] = {
    # Latin: Czech, Slovak, Polish, Serbo-Croatian, Romanian, Albanian, Hungarian.
    "š": "sh",
    "ś": "sh",
    "ș": "sh",
    "ş": "sh",
    "ŝ": "shch",
    "č": "ch",
    "ć": "ch",
    "ç": "ch",
    "ĉ": "ch",
    "ž": "zh",
    "ź": "zh",
    "ż": "zh",
    "ẑ": "zh",
    "ř": "rzh",
    "đ": "dj",
    "ț": "ts",
    "ţ": "ts",
    "ł": "l",
    "ľ": "l",
    "ĺ": "l",
    "ě": "e",
    "ë": "e",
    "ĭ": "y",
    "û": "yu",
    "â": "ya",
    "ô": "yo",
    # Cyrillic letters anyascii would fold into others.
    "ћ": "ch",
    "ђ": "dj",
    "џ": "dzh",
    "ј": "j",
    "љ": "lj",
    "њ": "nj",
    "ѓ": "gj",
    "ќ": "kj",
    "ѕ": "dz",
    "є": "ye",
    "ї": "yi",
    "і": "i",
    "ґ": "g",
    "ў": "w",
    "ё": "yo",
    "ъ": "",
    "ь": "",
}

_LETTER_RE: Final = re.compile("|".join(re.escape(letter) for letter in LETTERS))

#: Spelling conventions folded by the skeleton, longest first (the alternation tries them in
#: this order at each position).
_SKELETON: Final[dict[str, str]] = {
    "schtsch": "S",
    "shtch": "S",
    "chtch": "S",
    "shch": "S",
    "szcz": "S",
    "tsch": "C",
    "dsch": "dS",
    "dzh": "dS",
    "sch": "S",
    "tch": "C",
    "gue": "ge",
    "gui": "gi",
    "sh": "S",
    "sz": "S",
    "zh": "S",
    "zs": "S",
    "cz": "C",
    "cs": "C",
    "ch": "C",
    "kh": "C",
    "gh": "g",
    "ph": "f",
    "ck": "k",
    "qu": "kv",
    "xh": "dS",
    "gj": "dS",
    "tz": "Z",
    "ts": "Z",
    "co": "ko",
    "cu": "ku",
    "ou": "u",
    "h": "C",
    "c": "Z",
    "q": "k",
    "x": "ks",
    "w": "v",
    "y": "i",
    "j": "i",
}
_SKELETON_RE: Final = re.compile(
    "|".join(re.escape(key) for key in sorted(_SKELETON, key=len, reverse=True))
)
_CONSONANT_IO: Final = re.compile(r"(?<=[b-df-hk-np-tv-zCSZ])io")
_CONSONANT_I_VOWEL: Final = re.compile(r"(?<=[b-df-hk-np-tv-zCSZ])i(?=[aeou])")
_VOWEL_I_VOWEL: Final = re.compile(r"(?<=[aeou])i(?=[aeo])")
_INITIAL_IE: Final = re.compile(r"^i(?=e)")
_DOUBLE: Final = re.compile(r"(.)\1+")
_FINAL_F: Final = re.compile(r"(?<=[aeo])f$")
_FINAL_ER: Final = re.compile(r"(?<=[dt])(er|re)$")
_FINAL_INE: Final = re.compile(r"(?<=[^aeiou]i)ne$")
_INITIAL_X: Final = re.compile(r"^x(?=[^aeiouyh])")
_O_AFTER_HUSHING: Final = re.compile(r"(?<=[SC])o")
_NOT_LETTER: Final = re.compile(r"[^a-z]+")

_HAN: Final = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC: Final = re.compile(r"[\u0400-\u04ff]")


def script(text: str) -> str:
    """The script a name is written in, as a reason would name it."""
    if _HAN.search(text):
        return "Chinese"
    if _CYRILLIC.search(text):
        return "Cyrillic"
    if any(ord(char) > 127 for char in text):
        return "Latin with diacritics"
    return "Latin"


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def _deaccent(text: str) -> str:
    """Drop combining marks (ALA-LC's tie bars, stray accents) and apostrophes."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_SOFT_BEFORE_VOWEL: Final = re.compile(r"ь(?=[аеёиоуыэюяєії])")


def phonetic(token: str) -> str:
    """Lower-case ASCII letters of one token, the `2a` languages' letters as digraphs."""
    lowered = _SOFT_BEFORE_VOWEL.sub("й", unicodedata.normalize("NFC", token.lower()))
    spelled = _LETTER_RE.sub(lambda match: LETTERS[match.group(0)], lowered)
    return _NOT_LETTER.sub("", anyascii(_deaccent(spelled)).lower())


def stripped(token: str) -> str:
    """Lower-case ASCII letters of one token, diacritics simply dropped (``č`` → ``c``)."""
    return _NOT_LETTER.sub("", anyascii(token.lower()).lower())


def skeleton(ascii_token: str) -> str:
    """The romanisation-neutral skeleton of a lower-case ASCII token."""
    ascii_token = _FINAL_INE.sub("n", _INITIAL_X.sub("h", ascii_token))
    folded = _SKELETON_RE.sub(lambda match: _SKELETON[match.group(0)], ascii_token)
    folded = _DOUBLE.sub(r"\1", folded)
    folded = _INITIAL_IE.sub("", folded)
    folded = _CONSONANT_IO.sub("e", folded)
    folded = _CONSONANT_I_VOWEL.sub("", folded)
    folded = _VOWEL_I_VOWEL.sub("", folded)
    folded = _DOUBLE.sub(r"\1", folded)
    folded = _O_AFTER_HUSHING.sub("e", folded)
    folded = _FINAL_F.sub("v", folded)
    return _FINAL_ER.sub("r", folded)


_PATRONYMIC: Final = re.compile(r"(viC|iliC|viCna|vna)$")


def looks_patronymic(skel: str) -> bool:
    """A Russian, Ukrainian or Bulgarian patronymic (Ivanovich, Ivanovna, Ivanovych, Ilyich)."""
    return len(skel) >= 4 and _PATRONYMIC.search(skel) is not None
