"""Scoring two analysed names, and what a date of birth and a nationality add.

Two names are compared word by word: every word of the query is paired with the candidate's
word that suits it best (in any order), each pair scored with its reason, the pairs averaged.
A pair scores 1 for the same spelling, 0.97 for the same skeleton (another romanisation),
0.93 for the same name in another language, 0.92 for a diminutive, and otherwise 0.95 less
0.12 for each edit between the closest spellings or forms (a typo). A weak pair (below 0.8)
counts for half, so one word that differs (Nikolai Nosenko for Yuriy Nosenko) sinks a name
below the threshold. A patronymic on one side only is ignored; another word on either side
costs a little when two pairs or more agree.

Chinese readings are compared syllable by syllable when both names have one: two syllables
agree when the pinyin syllables they may stand for meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA

from defector.traces.matching import chinese
from defector.traces.matching.analysis import Analysis, Token

SAME_SKELETON: Final = 0.97
VARIANT: Final = 0.93
DIMINUTIVE: Final = 0.92
TYPO_CEILING: Final = 0.95
TYPO_STEP: Final = 0.12
WEAK: Final = 0.8
EXTRA_WORD: Final = 0.93
_DOUBLE: Final = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class Pair:
    value: float
    reason: str | None


def _given_relation(query: Token, candidate: Token) -> Pair | None:
    for mine in query.given:
        for theirs in candidate.given:
            if mine.row != theirs.row:
                continue
            if "diminutive" in (mine.kind, theirs.kind):
                short, full = (
                    (query, candidate) if mine.kind == "diminutive" else (candidate, query)
                )
                return Pair(DIMINUTIVE, f"diminutive: {short.text} → {full.text}")
            return Pair(VARIANT, f"same name in another language: {candidate.text} ~ {query.text}")
    return None


def _typo_value(mine: str, theirs: str) -> float:
    """Edits apart (optimal string alignment: a swap of neighbours is one edit), as a value:
    one edit keeps a word a close spelling (0.83), two only in a long word."""
    length = max(len(mine), len(theirs), 1)
    distance = OSA.distance(mine, theirs)
    proportional = TYPO_CEILING * (1 - distance / length)
    if length <= 4 and distance >= 2:
        return proportional
    return max(proportional, TYPO_CEILING - TYPO_STEP * distance)


@lru_cache(maxsize=1 << 18)
def compare_tokens(query: Token, candidate: Token) -> Pair:
    """One word of the query against one word of the candidate."""
    if query.ascii == candidate.ascii:
        return Pair(1.0, None)
    if any(form in candidate.forms for form in query.forms):
        if _DOUBLE.sub(r"\1", query.ascii) == _DOUBLE.sub(r"\1", candidate.ascii):
            return Pair(SAME_SKELETON, f"double letter: {candidate.text} ~ {query.text}")
        return Pair(SAME_SKELETON, f"romanisation: {candidate.text} ~ {query.text}")
    related = _given_relation(query, candidate) if query.given and candidate.given else None
    if related is not None:
        return related
    value = max(
        _typo_value(mine, theirs)
        for mine, theirs in (
            (query.ascii, candidate.ascii),
            *((left, right) for left in query.forms for right in candidate.forms),
        )
    )
    if value >= WEAK:
        return Pair(value, f"close spelling: {candidate.text} ~ {query.text}")
    return Pair(value, f"differs: {candidate.text} / {query.text}")


@dataclass(frozen=True, slots=True)
class NameScore:
    value: float
    reasons: tuple[str, ...]


def _aggregate(
    matrix: list[list[Pair]],
    query_extra: list[bool],
    candidate_extra: list[bool],
    texts: tuple[list[str], list[str]],
) -> NameScore:
    """Pair words greedily, best pair first, and average the pairs. ``*_extra`` marks words
    that may go unpaired without cost (patronymics); a word of either side left unpaired
    costs a little when two pairs or more agree (a middle name one record leaves out), and
    counts as a miss otherwise."""
    cells = sorted(
        (
            (pair.value, row, column)
            for row, pairs in enumerate(matrix)
            for column, pair in enumerate(pairs)
        ),
        reverse=True,
    )
    used_rows: set[int] = set()
    used_columns: set[int] = set()
    chosen: list[tuple[int, int]] = []
    for _value, row, column in cells:
        if row in used_rows or column in used_columns:
            continue
        pair = matrix[row][column]
        if pair.value < WEAK and query_extra[row] != candidate_extra[column]:
            # A patronymic against a word it does not resemble: leave both unpaired.
            continue
        used_rows.add(row)
        used_columns.add(column)
        chosen.append((row, column))
    chosen.sort()
    reasons: list[str] = []
    total = 0.0
    for row, column in chosen:
        pair = matrix[row][column]
        total += pair.value if pair.value >= WEAK else pair.value / 2
        if pair.reason:
            reasons.append(pair.reason)
    counted = len(chosen)
    agreeing = sum(1 for row, column in chosen if matrix[row][column].value >= WEAK)
    factor = 1.0
    for side, (extra, used, words) in enumerate(
        ((query_extra, used_rows, texts[0]), (candidate_extra, used_columns, texts[1]))
    ):
        for position, text in enumerate(words):
            if position in used:
                continue
            if extra[position]:
                reasons.append(f"patronymic on one side only: {text}")
            elif agreeing >= 2 or side == 1:
                factor *= EXTRA_WORD
                whose = "candidate's" if side else "query's"
                reasons.append(f"another name on the {whose} side: {text}")
            else:
                counted += 1
    value = factor * total / counted if counted else 0.0
    order = [column for _row, column in chosen]
    if order != sorted(order):
        reasons.append("names in another order")
    return NameScore(value, tuple(reasons))


def compare_latin(query: Analysis, candidate: Analysis) -> NameScore:
    if not query.tokens or not candidate.tokens:
        return NameScore(0.0, ())
    matrix = [
        [compare_tokens(mine, theirs) for theirs in candidate.tokens] for mine in query.tokens
    ]
    return _aggregate(
        matrix,
        [token.patronymic for token in query.tokens],
        [token.patronymic for token in candidate.tokens],
        ([token.text for token in query.tokens], [token.text for token in candidate.tokens]),
    )


def _compare_chinese_tokens(mine: chinese.ChineseToken, theirs: chinese.ChineseToken) -> Pair:
    if len(mine) != len(theirs):
        return Pair(0.0, None)
    agree = sum(1 for left, right in zip(mine, theirs, strict=True) if left & right)
    return Pair(agree / len(mine), None)


def compare_chinese(query: Analysis, candidate: Analysis) -> NameScore | None:
    if query.chinese is None or candidate.chinese is None:
        return None
    matrix = [
        [_compare_chinese_tokens(mine, theirs) for theirs in candidate.chinese]
        for mine in query.chinese
    ]
    mine, theirs = [False] * len(query.chinese), [False] * len(candidate.chinese)
    result = _aggregate(matrix, mine, theirs, ([""] * len(mine), [""] * len(theirs)))
    sources = {query.chinese_source, candidate.chinese_source}
    if sources == {"characters"}:
        factor, reason = 1.0, "same Chinese characters"
    elif sources == {"characters", "pinyin"}:
        factor, reason = 0.98, "Chinese characters → pinyin"
    elif "Wade–Giles" in sources and "characters" in sources:
        factor, reason = 0.97, "Chinese characters → pinyin → Wade–Giles"
    elif sources == {"pinyin", "Wade–Giles"}:
        factor, reason = 0.97, "Wade–Giles → pinyin"
    else:
        factor, reason = 0.97, "same Chinese syllables"
    kept = tuple(text for text in result.reasons if "another order" in text)
    return NameScore(result.value * factor, (reason, *kept))


def compare_names(query: Analysis, candidate: Analysis) -> NameScore:
    """The best of the word-by-word and the Chinese comparison, with the scripts said."""
    best = compare_latin(query, candidate)
    scripts = {query.script, candidate.script}
    if "Cyrillic" in scripts and len(scripts) > 1 and "Chinese" not in scripts:
        other = (scripts - {"Cyrillic"}).pop().split(" ")[0]
        best = NameScore(best.value, (f"transliteration: Cyrillic→{other}", *best.reasons))
    elif scripts == {"Latin", "Latin with diacritics"}:
        best = NameScore(best.value, ("diacritics spelled out or dropped", *best.reasons))
    sinic = compare_chinese(query, candidate)
    if sinic is not None and sinic.value >= 0.97 * best.value:
        # Both read as Chinese: say so, whichever comparison scored a little higher.
        best = NameScore(max(sinic.value, best.value), sinic.reasons)
    elif "Chinese" in (query.script, candidate.script) and query.script != candidate.script:
        best = NameScore(best.value, ("Chinese characters → pinyin", *best.reasons))
    return best
