"""Blocking keys: what the blind index stores (keyed hashes of these) and looks up.

Two spellings of one person must share a key (recall); a key must not be shared by a large
share of all names (selectivity). A key therefore always joins two words of the name:

- for each word, its *forms*: its skeletons, and for a given name the skeleton of its row's
  name, so that Yura, Jurij and Юрий all give ``iuri``;
- from each form its first four letters (the *prefix*), and the prefix with any one letter
  deleted (the *deletion neighbourhood*: one typo in the first four letters leaves a shared
  deletion, as in SymSpell);
- a key pairs the prefix of one word with a prefix or a deletion of another (``n:nose>iur``),
  both ways round (so a typo in either word, or the words in another order, still meet).

The word as spelled (lower-case ASCII) is a form too: the skeleton's folds can turn one typo
into two (Tior → tor beside Tibor → tibor), the spelling keeps it one.

A name of one word is keyed by its whole forms and their deletions. A Chinese reading adds
keys of its coarse syllables (aspiration and retroflexion folded), surname with given name,
so that 毛泽东, Mao Zedong and Mao Tse-tung share one.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from typing import Final

from defector.traces.matching import chinese
from defector.traces.matching.analysis import ROW_SKELETON, Analysis, Token

PREFIX: Final = 4
#: Words of a name taken into keys (a longer name keys on its first ones).
MAX_WORDS: Final = 5


def _deletions(text: str) -> set[str]:
    return {text[:position] + text[position + 1 :] for position in range(len(text))}


def _forms(token: Token) -> set[str]:
    forms = {*token.forms, token.ascii}
    forms.update(ROW_SKELETON[entry.row] for entry in token.given)
    return {form for form in forms if form}


@lru_cache(maxsize=1 << 17)
def _prefixes(token: Token, sinic: bool) -> tuple[frozenset[str], frozenset[str]]:
    """A word's prefixes, and its prefixes with their deletions. Only full four-letter
    prefixes have deletions (a two-letter code would match too much); in a one-syllable word
    of a Chinese name the first letter is never deleted (ing, ang and eng alone would match
    half of all Chinese names)."""
    forms = _forms(token)
    prefixes = {form[:PREFIX] for form in forms}
    loose = set(prefixes)
    for form in forms:
        prefix = form[:PREFIX]
        if len(prefix) < PREFIX:
            continue
        if sinic and len(form) <= PREFIX + 1:
            loose.update(prefix[0] + rest for rest in _deletions(prefix[1:]))
        else:
            loose.update(_deletions(prefix))
    return frozenset(prefixes), frozenset(loose)


def analysis_keys(analysis: Analysis) -> frozenset[str]:
    keys: set[str] = set()
    tokens = analysis.tokens[:MAX_WORDS]
    if len(tokens) == 1:
        for form in _forms(tokens[0]):
            keys.add(f"1:{form}")
            if len(form) > 2:
                keys.update(f"1:{deletion}" for deletion in _deletions(form))
    sinic = analysis.chinese is not None
    parts = [(token, *_prefixes(token, sinic)) for token in tokens]
    for (token_a, prefixes_a, loose_a), (token_b, prefixes_b, loose_b) in combinations(parts, 2):
        if (token_a.patronymic and token_b.given) or (token_b.patronymic and token_a.given):
            # Given name with patronymic: both common, together they pick out nobody.
            continue
        for strong in prefixes_a:
            keys.update([f"n:{strong}>{loose}" for loose in loose_b])
        for strong in prefixes_b:
            keys.update([f"n:{strong}>{loose}" for loose in loose_a])
    if analysis.chinese is not None:
        codes = [chinese.token_codes(token) for token in analysis.chinese[:3]]
        if len(codes) == 1:
            keys.update(f"z1:{code}" for code in codes[0])
        for codes_a, codes_b in combinations(codes, 2):
            keys.update(
                "z:" + "|".join(sorted((left, right))) for left in codes_a for right in codes_b
            )
    return frozenset(keys)
