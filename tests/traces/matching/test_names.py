"""The name matcher (``6b(3)(b)``): one person across scripts, romanisations, diminutives,
patronymics, word order and typos; other people with nearly the same name below him."""

from __future__ import annotations

import pytest

from defector.traces.matching import THRESHOLD, Identity, Score, blocking_keys, rank, score


def scored(query: str, candidate: str) -> Score:
    return score(Identity((query,)), Identity((candidate,)))


#: (query, candidate, a reason that must be given) — all must match above the threshold.
SAME_PERSON = [
    # The walk-in of the issue and the names his records give him.
    ("Yuriy Nosenko", "Iurii Nossenko", "double letter: Nossenko ~ Nosenko"),
    ("Yuriy Nosenko", "Jurij Nossenko", "romanisation: Jurij ~ Yuriy"),
    ("Yuriy Nosenko", "Юрий Носенко", "transliteration: Cyrillic→Latin"),
    ("Yuriy Nosenko", "Yura Nosenko", "diminutive: Yura → Yuriy"),
    ("Yuriy Nosenko", "Юрий Иванович Носенко", "patronymic on one side only: Иванович"),
    ("Yuriy Nosenko", "Nosenko Yuriy Ivanovich", "names in another order"),
    ("Yuriy Nosenko", "Youri Nossenko", "romanisation: Youri ~ Yuriy"),
    ("Yuriy Nosenko", "Juri Nosenkow", "romanisation: Juri ~ Yuriy"),
    ("Yuriy Nosenko", "Yuriy Nosenkp", "close spelling: Nosenkp ~ Nosenko"),
    # Russian romanisations: BGN/PCGN, ISO 9, scholarly, German, French, Polish, English.
    ("Nikita Khrushchev", "Никита Хрущёв", "transliteration: Cyrillic→Latin"),
    ("Nikita Khrushchev", "Nikita Chruschtschow", "romanisation: Chruschtschow ~ Khrushchev"),
    ("Nikita Khrushchev", "Nikita Khrouchtchev", "romanisation: Khrouchtchev ~ Khrushchev"),
    ("Nikita Khrushchev", "Nikita Chruszczow", "romanisation: Chruszczow ~ Khrushchev"),
    ("Nikita Khrushchev", "Nikita Hruščëv", "romanisation: Hruščëv ~ Khrushchev"),
    ("Nikita Khrushchev", "Nikita Xruščёv", "romanisation: Xruščёv ~ Khrushchev"),
    ("Mikhail Gorbachev", "Michail Gorbatschow", "romanisation: Gorbatschow ~ Gorbachev"),
    ("Mikhail Gorbachev", "Mikhaïl Gorbatchev", "romanisation: Gorbatchev ~ Gorbachev"),
    ("Georgiy Zhukov", "Georgij Žukov", "romanisation: Georgij ~ Georgiy"),
    ("Georgiy Zhukov", "Georgi Schukow", "romanisation: Schukow ~ Zhukov"),
    ("Ivan Ivanov", "Ivan Ivanoff", "romanisation: Ivanoff ~ Ivanov"),
    ("Ivan Ivanov", "Iwan Iwanow", "romanisation: Iwanow ~ Ivanov"),
    ("Yelena Bonner", "Jelena Bonner", "romanisation: Jelena ~ Yelena"),
    ("Yelena Bonner", "Elena Bonner", "romanisation: Elena ~ Yelena"),
    ("Natalya Gorbanevskaya", "Natalia Gorbanevskaïa", "romanisation: Natalia ~ Natalya"),
    ("Natalya Gorbanevskaya", "Natalja Gorbanewskaja", "romanisation: Natalja ~ Natalya"),
    ("Sergey Shchukin", "Sergei Szczukin", "romanisation: Szczukin ~ Shchukin"),
    ("Sergey Shchukin", "Serguei Chtchoukine", "romanisation: Serguei ~ Sergey"),
    ("Fyodor Dostoyevsky", "Fjodor Dostojewski", "romanisation: Fjodor ~ Fyodor"),
    ("Andrey Andreyev", "Andrei Andreev", "romanisation: Andreev ~ Andreyev"),
    # Diminutives and the same name in another language.
    ("Aleksandr Petrov", "Sasha Petrov", "diminutive: Sasha → Aleksandr"),
    ("Vladimir Bukovsky", "Volodya Bukovsky", "diminutive: Volodya → Vladimir"),
    ("Nikolai Ryzhkov", "Kolya Ryzhkov", "diminutive: Kolya → Nikolai"),
    ("Mikhail Sokolov", "Misha Sokolov", "diminutive: Misha → Mikhail"),
    ("Dmitriy Yakushkin", "Dima Yakushkin", "diminutive: Dima → Dmitriy"),
    ("Sergei Korolev", "Seryozha Korolyov", "diminutive: Seryozha → Sergei"),
    ("Sergei Korolev", "Серёжа Королёв", "diminutive: Серёжа → Sergei"),
    ("Katarzyna Nowak", "Kasia Nowak", "diminutive: Kasia → Katarzyna"),
    ("Jan Novák", "Honza Novák", "diminutive: Honza → Jan"),
    ("István Kovács", "Pista Kovács", "diminutive: Pista → István"),
    ("Gheorghe Popescu", "Gigel Popescu", "diminutive: Gigel → Gheorghe"),
    ("Dimitar Petrov", "Mitko Petrov", "diminutive: Mitko → Dimitar"),
    ("Mikhail Sokolov", "Michał Sokolov", "same name in another language"),
    # Latin with diacritics: Polish, Czech, Hungarian, Romanian, Serbo-Croatian, Albanian.
    ("Lech Wałęsa", "Lech Walesa", "diacritics spelled out or dropped"),
    ("Jiří Dvořák", "Jiri Dvorak", "diacritics spelled out or dropped"),
    ("János Kovács", "Kovacs Janos", "names in another order"),
    ("Ștefan Țepeș", "Stefan Tepes", "diacritics spelled out or dropped"),
    ("Đorđe Petrović", "Ђорђе Петровић", "transliteration: Cyrillic→Latin"),
    ("Đorđe Petrović", "Djordje Petrovic", "diacritics spelled out or dropped"),
    ("Enver Hoxha", "Enver Hoxha", "same name"),
    ("Gjergj Kastrioti", "Gjergj Kastrioti", "same name"),
    ("Todor Zhivkov", "Тодор Живков", "transliteration: Cyrillic→Latin"),
    ("Todor Zhivkov", "Todor Živkov", "diacritics spelled out or dropped"),
    # Chinese: characters, pinyin, Wade–Giles, in either order.
    ("毛泽东", "Mao Zedong", "Chinese characters → pinyin"),
    ("毛泽东", "Mao Tse-tung", "Chinese characters → pinyin → Wade–Giles"),
    ("Mao Zedong", "Mao Tse-tung", "Wade–Giles → pinyin"),
    ("Deng Xiaoping", "Teng Hsiao-p'ing", "Wade–Giles → pinyin"),
    ("蒋经国", "Chiang Ching-kuo", "Chinese characters → pinyin → Wade–Giles"),
    ("周恩来", "Chou En-lai", "Chinese characters → pinyin"),
    ("周恩来", "Enlai Zhou", "names in another order"),
]


@pytest.mark.parametrize(("query", "candidate", "reason"), SAME_PERSON)
def test_the_same_person_matches_above_the_threshold_with_a_reason(
    query: str, candidate: str, reason: str
) -> None:
    found = scored(query, candidate)
    assert found.score >= THRESHOLD, found
    assert any(said.startswith(reason) for said in found.reasons), found.reasons
    assert found.matched == candidate


@pytest.mark.parametrize(("query", "candidate", "reason"), SAME_PERSON)
def test_every_spelling_of_the_same_person_shares_a_blocking_key_with_the_query(
    query: str, candidate: str, reason: str
) -> None:
    assert blocking_keys(query) & blocking_keys(candidate)


#: (query, the true person, decoys that must rank below him)
DECOYS = [
    ("Yuriy Nosenko", "Iurii Nossenko", ["Yuriy Nosov", "Nikolai Nosenko", "Yuriy Nesterenko"]),
    ("Yura Nosenko", "Юрий Носенко", ["Юлия Носенко", "Юрий Носик", "Yakov Nosenko"]),
    ("Mao Tse-tung", "毛泽东", ["毛泽民", "毛岸英", "Mao Zemin"]),
    ("Sasha Petrov", "Aleksandr Petrov", ["Aleksandr Petrenko", "Aleksey Petrov", "Sasha Pavlov"]),
    ("Jiri Dvorak", "Jiří Dvořák", ["Jiří Dvořáček", "Josef Dvořák"]),
]


@pytest.mark.parametrize(("query", "truth", "decoys"), DECOYS)
def test_a_near_miss_decoy_ranks_below_the_true_person(
    query: str, truth: str, decoys: list[str]
) -> None:
    candidates = [Identity((name,)) for name in [*decoys, truth]]
    ranked = rank(Identity((query,)), candidates, limit=None, threshold=0.0)
    assert candidates[ranked[0][0]].names == (truth,)
    assert ranked[0][1].score > ranked[1][1].score


@pytest.mark.parametrize(
    ("query", "decoy"),
    [
        ("Yuriy Nosenko", "Nikolai Nosenko"),
        ("Yuriy Nosenko", "Yuriy Nosov"),
        ("Yuriy Nosenko", "Pyotr Ivanov"),
        ("毛泽东", "周恩来"),
        ("Mao Zedong", "Mao Anying"),
        ("Lech Wałęsa", "Lech Kaczyński"),
    ],
)
def test_another_person_with_one_name_in_common_scores_below_the_threshold(
    query: str, decoy: str
) -> None:
    assert scored(query, decoy).score < THRESHOLD
