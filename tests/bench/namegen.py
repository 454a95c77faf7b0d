"""The name-matching benchmark's generator: people of the `2a` languages and the spellings
other records give them. Reproducible: everything is drawn from ``random.Random(seed)``.

Each :class:`Person` has a record name in its own script (Cyrillic for Russian and
Bulgarian, Chinese characters, Latin with diacritics…) and several *spellings* a trace might
be run with, each made by one or more of:

- romanisation: for Russian, iuliia's BGN/PCGN, ISO 9 (1954), scholarly, ICAO, French (MVD
  310), Wikipedia, GOST 7.79 and ALA-LC schemas, plus German and Polish conventions and
  English habits (-off, ss, x) written here; for Bulgarian its Streamlined System; for Serbian
  both scripts; for the Latin-script languages their diacritics kept or dropped; for Chinese
  pinyin (joined or hyphenated) and Wade–Giles (with or without apostrophes);
- a diminutive for the given name; the patronymic kept or dropped; surname first;
- a typo (substitution by a neighbouring key, deletion, doubled letter, transposition).

:func:`decoys` makes other people with nearly the same name (the same surname with another
given name, the same given name with a sibling surname from the same stem, one letter off).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import iuliia
import namegen_data as data
from anyascii import anyascii

LANGUAGES = ["ru", "ru", "ru", "ru", "pl", "cz", "hu", "ro", "bg", "sh", "al", "zh", "zh"]
NATIONALITY = {
    "ru": "SU",
    "pl": "PL",
    "cz": "CS",
    "hu": "HU",
    "ro": "RO",
    "bg": "BG",
    "sh": "YU",
    "al": "AL",
    "zh": "CN",
}
RU_SCHEMAS = [
    iuliia.BGN_PCGN,
    iuliia.ISO_9_1954,
    iuliia.SCIENTIFIC,
    iuliia.ICAO_DOC_9303,
    iuliia.MVD_310_FR,
    iuliia.WIKIPEDIA,
    iuliia.GOST_779,
    iuliia.ALA_LC,
]
_GERMAN = {
    "а": "a",
    "б": "b",
    "в": "w",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "jo",
    "ж": "sch",
    "з": "s",
    "и": "i",
    "й": "j",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "ch",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "ju",
    "я": "ja",
}
_POLISH = {
    **_GERMAN,
    "в": "w",
    "ж": "ż",
    "з": "z",
    "х": "ch",
    "ц": "c",
    "ч": "cz",
    "ш": "sz",
    "щ": "szcz",
    "ё": "io",
    "ю": "iu",
    "я": "ia",
    "л": "ł",
    "ы": "y",
}
_BULGARIAN = {
    **_GERMAN,
    "в": "v",
    "ж": "zh",
    "з": "z",
    "й": "y",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sht",
    "ъ": "a",
    "ь": "y",
    "ю": "yu",
    "я": "ya",
}
_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


@dataclass
class Person:
    pid: int
    language: str
    record: str  # the name as the person's own records write it
    dob: str
    nationality: str
    spellings: list[str] = field(default_factory=list)
    # Parts kept to make spellings and decoys.
    given: str = ""
    surname: str = ""
    patronymic: str = ""
    diminutives: tuple[str, ...] = ()
    stem: str = ""
    female: bool = False


def _spell(text: str, table: dict[str, str]) -> str:
    out = []
    for position, char in enumerate(text):
        low = char.lower()
        piece = table.get(low, low)
        if low == "е" and (position == 0 or text[position - 1].lower() in "аеёиоуыэюяьъ"):
            piece = "je" if table is _GERMAN or table is _POLISH else "ye"
        between_vowels = 0 < position < len(text) - 1 and (
            text[position - 1].lower() in "аеиоуыэюя" and text[position + 1].lower() in "аеиоуыэюя"
        )
        if low == "с" and table is _GERMAN and between_vowels:
            piece = "ss"
        out.append(piece.capitalize() if char.isupper() else piece)
    return "".join(out).replace("yj", "ij")


def _german(name: str) -> str:
    words = [_spell(word, _GERMAN) for word in name.split()]
    return " ".join(word[:-1] + "w" if word.endswith(("ov", "ev")) else word for word in words)


def _english(rng: random.Random, name: str) -> str:
    text = iuliia.BGN_PCGN.translate(name).replace("’", "").replace("ё", "e")
    habits = [
        lambda s: s.replace("ov ", "off ") if not s.endswith("ov") else s[:-2] + "off",
        lambda s: s.replace("iy", "y"),
        lambda s: s.replace("iy", "i"),
        lambda s: s.replace("ks", "x"),
        lambda s: s.replace("Yu", "Iu"),
        lambda s: s.replace("ye", "e"),
        lambda s: s.replace("osen", "ossen").replace("asil", "assil"),
    ]
    for habit in rng.sample(habits, 2):
        text = habit(text)
    return text


def romanise(rng: random.Random, person: Person, name: str) -> str:
    if person.language == "ru":
        choice = rng.randrange(len(RU_SCHEMAS) + 3)
        if choice < len(RU_SCHEMAS):
            return str(RU_SCHEMAS[choice].translate(name))
        if choice == len(RU_SCHEMAS):
            return _german(name)
        if choice == len(RU_SCHEMAS) + 1:
            return " ".join(_spell(word, _POLISH) for word in name.split())
        return _english(rng, name)
    if person.language == "bg":
        if rng.random() < 0.5:
            return " ".join(_spell(word, _BULGARIAN) for word in name.split())
        return str(iuliia.BGN_PCGN.translate(name)).replace("’", "")
    if person.language in ("pl", "cz", "hu", "ro", "sh", "al"):
        if rng.random() < 0.5:
            return strip_diacritics(name)
        if person.language == "sh":
            return to_serbian_cyrillic(name)
        return name
    return name


def strip_diacritics(text: str) -> str:
    table = str.maketrans(
        "ąćęłńóśźżĄĆĘŁŃÓŚŹŻáčďéěíňřšťúůýžÁČĎÉĚÍŇŘŠŤÚŮÝŽöőüűÖŐÜŰăâîșțşţĂÂÎȘȚđĐëçËÇ",
        "acelnoszzACELNOSZZacdeeinrstuuyzACDEEINRSTUUYZoouuOOUUaaiststAAISTdDecEC",
    )
    return text.translate(table)


def to_serbian_cyrillic(text: str) -> str:
    out = []
    position = 0
    while position < len(text):
        pair = text[position : position + 2]
        if pair.lower() in data.SR_CYRILLIC:
            piece, position = data.SR_CYRILLIC[pair.lower()], position + 2
            out.append(piece.upper() if pair[0].isupper() else piece)
            continue
        char = text[position]
        piece = data.SR_CYRILLIC.get(char.lower(), char)
        out.append(piece.upper() if char.isupper() else piece)
        position += 1
    return "".join(out)


def typo(rng: random.Random, name: str) -> str:
    words = name.split()
    candidates = [index for index, word in enumerate(words) if len(word) >= 4]
    if not candidates:
        return name
    index = rng.choice(candidates)
    word = words[index]
    position = rng.randrange(1, len(word)) if rng.random() < 0.85 else 0
    kind = rng.choice(["substitute", "delete", "double", "transpose"])
    char = word[position]
    if kind == "substitute":
        row = next((row for row in _KEYBOARD if char.lower() in row), None)
        if row is None:
            kind = "delete"
        else:
            at = row.index(char.lower())
            new = (
                row[max(0, at - 1)] if at and rng.random() < 0.5 else row[min(len(row) - 1, at + 1)]
            )
            if new == " ":
                new = row[at - 1]
            word = word[:position] + new + word[position + 1 :]
    if kind == "delete":
        word = word[:position] + word[position + 1 :]
    elif kind == "double":
        word = word[:position] + char + word[position:]
    elif kind == "transpose" and position < len(word) - 1:
        word = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    words[index] = word
    return " ".join(words)


def _person(rng: random.Random, pid: int, language: str) -> Person:
    female = rng.random() < 0.35
    year = rng.randrange(1915, 1975)
    dob = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if rng.random() < 0.2:
        dob = str(year)
    person = Person(pid, language, "", dob, NATIONALITY[language], female=female)
    if language == "zh":
        surname = rng.choice(data.ZH_SURNAMES)
        given = rng.sample(data.ZH_GIVEN, rng.choice([1, 2, 2, 2]))
        person.record = surname[0] + "".join(char for char, _, _ in given)
        person.given = "|".join("/".join(parts) for parts in given)
        person.surname = "/".join(surname)
        return person
    if language == "ru":
        if female:
            given, diminutives = rng.choice(data.RU_FEMALE)
            father = rng.choice(data.RU_MALE)[1]
            patronymic = father[:-2] + "на" if father.endswith("ич") else father
            patronymic = patronymic.replace("Ильна", "Ильинична")
        else:
            given, _, diminutives = rng.choice(data.RU_MALE)
            patronymic = rng.choice(data.RU_MALE)[1]
        stem = rng.choice(data.RU_STEMS)
        suffix = rng.choice(data.RU_SUFFIXES_MALE)
        surname = stem + (data.RU_FEMININE.get(suffix, suffix) if female else suffix)
        person.stem = stem
        person.patronymic = patronymic
    else:
        pools = {
            "pl": (data.PL_MALE, data.PL_FEMALE, data.PL_SURNAMES),
            "cz": (data.CZ_MALE, data.CZ_FEMALE, data.CZ_SURNAMES),
            "hu": (data.HU_MALE, data.HU_FEMALE, data.HU_SURNAMES),
            "ro": (data.RO_MALE, data.RO_FEMALE, data.RO_SURNAMES),
            "bg": (data.BG_MALE, data.BG_FEMALE, data.BG_SURNAMES),
            "sh": (data.SH_MALE, data.SH_FEMALE, data.SH_SURNAMES),
            "al": (data.AL_MALE, data.AL_FEMALE, data.AL_SURNAMES),
        }[language]
        given, diminutives = rng.choice(pools[1] if female else pools[0])
        surname = rng.choice(pools[2])
        if female and language == "pl" and surname.endswith("ski"):
            surname = surname[:-1] + "a"
        if female and language == "cz" and surname[-1] not in "áýa":
            surname += "ová"
        if female and language == "bg" and surname.endswith("ов"):
            surname += "а"
    person.given, person.surname, person.diminutives = given, surname, tuple(diminutives)
    if language == "hu":
        person.record = f"{surname} {given}"
    elif language == "ru" and rng.random() < 0.4:
        person.record = f"{given} {person.patronymic} {surname}"
    else:
        person.record = f"{given} {surname}"
    return person


def _chinese_spelling(rng: random.Random, person: Person) -> str:
    surname = person.surname.split("/")
    given = [part.split("/") for part in person.given.split("|")]
    wade = rng.random() < 0.5
    column = 2 if wade else 1
    family = surname[column]
    syllables = [parts[column] for parts in given]
    if wade and rng.random() < 0.5:
        family = family.replace("'", "")
        syllables = [syllable.replace("'", "") for syllable in syllables]
    if wade or rng.random() < 0.3:
        personal = "-".join(syllables).capitalize()
    else:
        personal = "".join(syllables).capitalize()
    personal = personal.replace("ü", "u") if rng.random() < 0.5 else personal
    family = family.replace("ü", "u") if rng.random() < 0.5 else family
    if rng.random() < 0.25:
        return f"{personal} {family}"
    return f"{family} {personal}"


def spelling(rng: random.Random, person: Person) -> str:
    """One spelling of the person's name as another record might give it."""
    if person.language == "zh":
        if rng.random() < 0.15:
            return person.record
        text = _chinese_spelling(rng, person)
        return typo(rng, text) if rng.random() < 0.15 else text
    given = person.given
    if person.diminutives and rng.random() < 0.25:
        given = rng.choice(person.diminutives)
    words = [given, person.surname]
    if person.patronymic and rng.random() < 0.3:
        words = [given, person.patronymic, person.surname]
    if person.language == "hu" or rng.random() < 0.2:
        words = [words[-1], *words[:-1]]
    text = " ".join(words)
    if person.language not in ("ru", "bg") or rng.random() < 0.85:
        text = romanise(rng, person, text)
    if rng.random() < 0.25:
        text = typo(rng, text)
    return text


def people(seed: int, count: int, spellings: int = 4) -> list[Person]:
    """``count`` people with distinct record names, each with ``spellings`` spellings; none
    has the name of a hard case."""
    rng = random.Random(seed)
    found: list[Person] = []
    hard = [name for record, _, namesakes in HARD_CASES for name in (record, *namesakes)]
    seen = {name_key(name) for name in hard} | set(hard)
    seen |= {name_key(f"{name.split()[0]} {name.split()[-1]}") for name in hard}
    while len(found) < count:
        person = _person(rng, len(found), rng.choice(LANGUAGES))
        key = person_key(person)
        if key in seen:
            continue
        seen.add(key)
        person.spellings = [spelling(rng, person) for _ in range(spellings)]
        found.append(person)
    return found


def name_key(name: str) -> str:
    """Two names with this key are the same name (any script, any order, no patronymic)."""
    words = name.replace("|", " ").replace("/", " ").split()
    return " ".join(sorted(strip_diacritics(anyascii(word)).lower() for word in words))


def person_key(person: Person) -> str:
    if person.language == "zh":
        return person.record
    return name_key(f"{person.given} {person.surname}")


def decoys(seed: int, persons: list[Person], share: float = 0.4) -> Iterator[tuple[int, str, str]]:
    """Near-miss namesakes of a share of the people: ``(person id, decoy name, dob)``; never
    a name some person (or another namesake) has."""
    rng = random.Random(seed + 1)
    taken = {person_key(p) for p in persons}
    for name, person_id, dob in _decoys(rng, persons, share):
        key = name if "\u4e00" <= name[0] <= "\u9fff" else name_key(name)
        if key not in taken:
            taken.add(key)
            yield person_id, name, dob


def _decoys(
    rng: random.Random, persons: list[Person], share: float
) -> Iterator[tuple[str, int, str]]:
    for person in persons:
        if rng.random() >= share:
            continue
        year = int(person.dob[:4]) + rng.choice([-20, -9, 7, 15])
        dob = f"{year}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}"
        if person.language == "zh":
            other = rng.choice(data.ZH_GIVEN)[0]
            yield person.record[:-1] + other, person.pid, dob
            continue
        given, surname = person.given, person.surname
        choice = rng.randrange(3)
        if choice == 0 and person.language == "ru":
            suffixes = [suffix for suffix in data.RU_SUFFIXES_MALE if not surname.endswith(suffix)]
            surname = person.stem + rng.choice(suffixes)
        elif choice == 1:
            pool = {"ru": [name for name, _, _ in data.RU_MALE], "bg": [n for n, _ in data.BG_MALE]}
            names = pool.get(person.language, [given + "a", given[:-1] + "o"])
            given = rng.choice([name for name in names if name != given] or [given + "o"])
        else:
            position = rng.randrange(1, len(surname))
            vowels = "аоеиу" if person.language in ("ru", "bg") else "aoeiu"
            surname = surname[:position] + rng.choice(vowels) + surname[position + 1 :]
        name = f"{surname} {given}" if person.language == "hu" else f"{given} {surname}"
        yield name, person.pid, dob


#: Hand-written hard near misses: (the person's record, spellings, namesakes that are not him).
HARD_CASES = [
    (
        "Юрий Иванович Носенко",
        ["Yuriy Nosenko", "Iurii Nossenko", "Jurij Nossenko", "Yura Nosenko"],
        ["Юрий Носов", "Николай Носенко", "Юлия Носенко", "Юрий Нестеренко", "Yuriy Nosik"],
    ),
    ("毛泽东", ["Mao Zedong", "Mao Tse-tung", "Mao Tse Tung"], ["毛泽民", "毛岸英", "毛泽覃"]),
    ("邓小平", ["Deng Xiaoping", "Teng Hsiao-p'ing", "Teng Hsiao-ping"], ["邓小明", "邓朴方"]),
    ("周恩来", ["Zhou Enlai", "Chou En-lai"], ["周恩寿", "周来"]),
    ("蒋经国", ["Chiang Ching-kuo", "Jiang Jingguo"], ["蒋纬国", "江经国"]),
    (
        "Никита Сергеевич Хрущёв",
        ["Nikita Khrushchev", "Nikita Chruschtschow", "Nikita Khrouchtchev", "Nikita Chruszczow"],
        ["Сергей Хрущёв", "Никита Хрусталёв"],
    ),
    (
        "Михаил Сергеевич Горбачёв",
        ["Mikhail Gorbachev", "Michail Gorbatschow", "Misha Gorbachev"],
        ["Михаил Горбунов", "Максим Горбачёв"],
    ),
    ("Lech Wałęsa", ["Lech Walesa", "Lekh Valensa"], ["Lech Wałek", "Leszek Wałęsa"]),
    ("Jiří Dvořák", ["Jiri Dvorak", "Jirka Dvořák"], ["Jiří Dvořáček", "Josef Dvořák"]),
    ("Kovács János", ["Janos Kovacs", "Jancsi Kovács"], ["Kovács József", "Kovách János"]),
    ("Đorđe Petrović", ["Djordje Petrovic", "Ђорђе Петровић"], ["Đorđe Petronijević"]),
    ("Enver Hoxha", ["Enver Hodja", "Enver Hoxa"], ["Enver Hysa", "Ever Hoxha"]),
]


def record_names(seed: int, count: int) -> list[str]:
    """``count`` record names for an index (no spellings; fast enough for a million). Half the
    Russian surnames join two stems (Nosgromov), so that a million names are not mostly the
    same few thousand."""
    rng = random.Random(seed)
    names: list[str] = []
    stems = data.RU_STEMS
    for pid in range(count):
        person = _person(rng, pid, rng.choice(LANGUAGES))
        if person.language == "ru" and rng.random() < 0.5:
            joined = person.stem + rng.choice(stems).lower()
            person.record = person.record.replace(person.stem, joined, 1)
        names.append(person.record)
    return names
