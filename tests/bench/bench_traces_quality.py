"""Benchmark of name-trace quality (``make bench``): prints figures; never part of the test run.

The generator (``namegen``, seed 14) makes 5,000 people of the `2a` languages, each with a
record name in its own script and 4 spellings (romanisations, diminutives, patronymics, word
order, typos), 40% of them with a near-miss namesake, plus the hand-written hard cases. The
index holds every record and every namesake; every spelling is a query. Reported, for the
matcher (blocking keys, then ``score``, hits at or above ``THRESHOLD``) and for three
baselines over the same index (exact match after lower-casing; rapidfuzz WRatio over the raw
names; anyascii then WRatio):

- recall@10: the person is among the first 10 hits;
- precision@1: the first hit is the person.

The baselines scan the whole index per query, so they run on a seeded sample of 4,000 queries
(``--sample``), beside the matcher on the same sample. ``--quick`` runs 1,000 people.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import namegen  # noqa: E402
from anyascii import anyascii  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from defector.traces.matching import THRESHOLD, Identity, blocking_keys, score  # noqa: E402

SEED = 14


@dataclass(frozen=True)
class Entry:
    person: int  # -1 for a namesake who is nobody queried
    identity: Identity
    language: str


@dataclass(frozen=True)
class Query:
    person: int
    name: str
    dob: str
    language: str


def build(count: int) -> tuple[list[Entry], list[Query]]:
    persons = namegen.people(SEED, count)
    entries = [
        Entry(p.pid, Identity((p.record,), p.dob, p.nationality), p.language) for p in persons
    ]
    queries = [Query(p.pid, name, p.dob, p.language) for p in persons for name in p.spellings]
    for _pid, name, dob in namegen.decoys(SEED, persons):
        entries.append(Entry(-1, Identity((name,), dob), "decoy"))
    for offset, (record, spellings, namesakes) in enumerate(namegen.HARD_CASES):
        pid = count + offset
        entries.append(Entry(pid, Identity((record,), "1927-10-30"), "hard"))
        queries += [Query(pid, name, "1927-10-30", "hard") for name in spellings]
        entries += [Entry(-1, Identity((name,), "1950-01-01"), "decoy") for name in namesakes]
    return entries, queries


def index_of(entries: list[Entry]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for position, entry in enumerate(entries):
        for name in entry.identity.names:
            for key in blocking_keys(name):
                index[key].append(position)
    return index


def matcher(
    entries: list[Entry], index: dict[str, list[int]], query: Query, with_dob: bool
) -> tuple[list[int], int, bool]:
    candidates: set[int] = set()
    for key in blocking_keys(query.name):
        candidates.update(index.get(key, ()))
    wanted = Identity((query.name,), query.dob if with_dob else None)
    hits = []
    for position in candidates:
        found = score(wanted, entries[position].identity)
        if found.score >= THRESHOLD:
            hits.append((-found.score, position))
    hits.sort()
    blocked = any(entries[position].person == query.person for position in candidates)
    return [entries[position].person for _, position in hits[:10]], len(candidates), blocked


def fold(text: str) -> str:
    return " ".join(anyascii(text).lower().split())


def baselines(entries: list[Entry], queries: list[Query]) -> dict[str, list[list[int]]]:
    names = [entry.identity.names[0] for entry in entries]
    people = [entry.person for entry in entries]
    exact: dict[str, list[int]] = defaultdict(list)
    for position, name in enumerate(names):
        exact[name.lower()].append(position)
    found: dict[str, list[list[int]]] = {"exact": [], "wratio": [], "anyascii": []}
    for query in queries:
        found["exact"].append([people[position] for position in exact.get(query.name.lower(), [])])
    folded = [fold(name) for name in names]
    for label, choices, processor in (("wratio", names, None), ("anyascii", folded, fold)):
        for query in queries:
            wanted = processor(query.name) if processor else query.name
            best = process.extract(wanted, choices, scorer=fuzz.WRatio, limit=10)
            found[label].append([people[position] for _, _, position in best])
    return found


def rates(ranked: list[list[int]], queries: list[Query]) -> tuple[float, float]:
    recall = sum(query.person in hits[:10] for hits, query in zip(ranked, queries, strict=True))
    first = sum(
        bool(hits) and hits[0] == query.person for hits, query in zip(ranked, queries, strict=True)
    )
    return recall / len(queries), first / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 people instead of 5,000")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--sample", type=int, default=4_000, help="queries the baselines run")
    arguments = parser.parse_args()
    count = arguments.people or (1_000 if arguments.quick else 5_000)
    entries, queries = build(count)
    print(f"people {count:,}; index {len(entries):,} names; queries {len(queries):,} (seed {SEED})")
    start = time.perf_counter()
    index = index_of(entries)
    print(f"index built in {time.perf_counter() - start:.1f} s, {len(index):,} distinct keys")
    rows: list[tuple[str, float, float]] = []
    names_only: list[list[int]] = []
    for with_dob in (False, True):
        start = time.perf_counter()
        ranked, sizes, blocked = [], [], 0
        by_language: dict[str, Counter[str]] = defaultdict(Counter)
        for query in queries:
            hits, size, was_blocked = matcher(entries, index, query, with_dob)
            ranked.append(hits)
            sizes.append(size)
            blocked += was_blocked
            tally = by_language[query.language]
            tally["n"] += 1
            tally["recall"] += query.person in hits
            tally["first"] += bool(hits) and hits[0] == query.person
        seconds = time.perf_counter() - start
        recall, first = rates(ranked, queries)
        if not with_dob:
            names_only = ranked
        label = "matcher, name and date of birth" if with_dob else "matcher, name only"
        rows.append((label, recall, first))
        sizes.sort()
        print(
            f"{label}: {seconds:.1f} s; blocking recall {blocked / len(queries):.4f}; "
            f"candidates mean {sum(sizes) / len(sizes):.1f}, p95 {sizes[int(0.95 * len(sizes))]}"
        )
        if not with_dob:
            for language, tally in sorted(by_language.items()):
                recall_here, first_here = tally["recall"] / tally["n"], tally["first"] / tally["n"]
                print(
                    f"    {language:6} {tally['n']:6,} queries  recall@10 {recall_here:.4f}"
                    f"  precision@1 {first_here:.4f}"
                )
    if not arguments.no_baselines:
        # The baselines scan the whole index for every query (about 4 µs a pair): they run on
        # a seeded sample of the queries, and the matcher is reported on the same sample.
        sample = sorted(
            random.Random(SEED).sample(range(len(queries)), min(arguments.sample, len(queries)))
        )
        chosen = [queries[position] for position in sample]
        recall, first = rates([names_only[position] for position in sample], chosen)
        rows.append((f"matcher, name only, the {len(chosen):,} sampled queries", recall, first))
        start = time.perf_counter()
        found = baselines(entries, chosen)
        print(
            f"baselines over {len(chosen):,} sampled queries: {time.perf_counter() - start:.1f} s"
        )
        labels = {
            "exact": "exact match after lower-casing",
            "wratio": "rapidfuzz WRatio over raw names",
            "anyascii": "anyascii, then WRatio",
        }
        for key, label in labels.items():
            recall, first = rates(found[key], chosen)
            rows.append((f"{label}, the same sample", recall, first))
    print()
    print("| method | recall@10 | precision@1 |")
    print("| --- | --- | --- |")
    for label, recall, first in rows:
        print(f"| {label} | {recall:.4f} | {first:.4f} |")


if __name__ == "__main__":
    main()
