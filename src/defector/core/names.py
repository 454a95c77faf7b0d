"""Names of people as the audit log shows them: usernames and display names that cannot pass
for someone else's.

An administrator could otherwise create ``duty.оfficer`` (a Cyrillic ``о``) beside
``duty.officer``, write a name in full-width letters, or hide a right-to-left override in a
last name, and the audit log would show two people as one. So a name is refused when it has:

- an invisible or direction-changing character (Unicode category ``Cf``: the bidirectional
  controls U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C, and zero-width characters);
- a compatibility character (full-width or styled letters, ligatures): it differs from its
  NFKC form;
- a word that mixes scripts with a character confusable for another script's letter
  (``оfficer``), per Unicode UTS #39, through ``confusable_homoglyphs`` (its data is Unicode's
  ``confusables.txt``).

And a new username is refused when its UTS #39 **skeleton** (:func:`skeleton`, in any case)
equals an existing account's: ``duty.0fficer`` beside ``duty.officer``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Final

from confusable_homoglyphs import confusables

#: What separates the words of a name whose scripts are judged one word at a time.
WORD_BREAK: Final = re.compile(r"[\s.\-_@'’+]+")
#: The left-to-right marks the library puts around right-to-left characters in its data.
_LRM: Final = "\u200e"


def name_problem(value: str) -> str:
    """What makes ``value`` able to pass for another name, or ``""``."""
    if any(unicodedata.category(char) == "Cf" for char in value):
        return "contains an invisible or direction-changing character; type the name plainly"
    if unicodedata.normalize("NFKC", value) != value:
        return "contains full-width or styled characters; type the name in ordinary letters"
    for word in WORD_BREAK.split(value):
        if word and confusables.is_dangerous(word):  # type: ignore[no-untyped-call]
            return (
                f"mixes scripts in {word!r} with letters that look like another script's; "
                "write each word in one script"
            )
    return ""


def skeleton(value: str) -> str:
    """The UTS #39 skeleton of ``value``: equal for strings that look the same.

    NFD, each character replaced by its prototype in ``confusables.txt``, NFD again.
    """
    mapped = "".join(_prototype(char) for char in unicodedata.normalize("NFD", value))
    return unicodedata.normalize("NFD", mapped)


def _keys(value: str) -> set[str]:
    """The skeletons that compare names in any case (as usernames are compared)."""
    return {skeleton(value).casefold(), skeleton(value.casefold()).casefold()}


def lookalike(value: str, existing: Iterable[str]) -> str | None:
    """The first of ``existing`` that looks the same as ``value`` in any case, but is another
    name, or ``None``."""
    wanted = _keys(value)
    for name in existing:
        if name.casefold() != value.casefold() and _keys(name) & wanted:
            return name
    return None


@cache
def _prototype(char: str) -> str:
    """The character ``char`` is confusable with, as ``confusables.txt`` maps it.

    The library keeps the mapping both ways: a source character lists only its prototype,
    and the prototype lists every source. So ``char`` maps to the one character it lists
    when that character lists ``char`` back; a prototype maps to itself.
    """
    entries = confusables.confusables_data.get(char) or []
    if len(entries) != 1:
        return char
    target = str(entries[0]["c"]).replace(_LRM, "")
    listed = confusables.confusables_data.get(target) or []
    back = {str(entry["c"]).replace(_LRM, "") for entry in listed}
    if char not in back:
        return char
    if len(back) == 1 and target < char:
        return char  # two characters that only map to each other: the smaller is the prototype
    return target
