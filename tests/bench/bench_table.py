"""The one benchmark table (``make bench``): every figure a ratio against its baseline,
measured in the same run, on SQLite and on PostgreSQL.

For each database: a scratch database seeded with ``defector seed`` (``BENCH_POSTS`` posts,
``BENCH_CASES`` cases, ``BENCH_EVENTS`` audit events; default the full size, 250 / 100,000 /
1,000,000), then ``defector serve`` (gunicorn, the settings' processes and threads) on a free
port of 127.0.0.1 and, each for ``BENCH_SECONDS`` (default 8) with wrk from Debian (16
connections):

- the baseline ``GET /api/v1/me``, a trivial authenticated endpoint of the same server;
- a case read ``GET /api/v1/cases/{id}``, the case page, the case list (page and API);
- a walk-in intake, ``POST /api/v1/cases/walk-ins`` from a wrk Lua script (token auth), each
  walk-in with a name of its own; then the name trace's worst case, every walk-in the same
  name (each intake matches every earlier one of the run and tells the IDC of each);
- assessment, ``POST /api/v1/policy/assess``;

each as requests/s, p50 and p99 and its throughput's ratio to the baseline's. Each read is
measured in ``BENCH_ROUNDS`` rounds (default 3), each round the baseline and then the read, and
its ratio is the median of the rounds' ratios (its figure the median round's): one run of a few
seconds can fall in a slow spell of the machine, and a ratio taken within a round and then the
median of three says more of the read than of the spell. The writes are taken against the
median of every baseline run, and each is followed by a wait for the requests it left in flight
(``harness.settle``), so that the next load does not carry them. Each page of :data:`PAGES`
(p95 of 40 requests one at a time against p95 of the raw SQL the page needs, run through the
database driver) is measured after the reads and before the writes, over the seeded set. Then
the peak memory of a server process under that load against its memory idle after start;
``defector audit verify`` over the whole chain (the whole command) against raw
``hashlib.sha256`` over the same canonical bytes; one audit append against a plain insert of
the same row (``bench_audit.py``'s measure, ``BENCH_APPENDS``).

``BENCH_DATABASES`` (default ``sqlite,postgresql``) chooses the databases; PostgreSQL is at
``BENCH_POSTGRES`` (default ``postgres://postgres@127.0.0.1:5432/postgres``; a scratch database
is made there and dropped). The full size takes long (the seed alone minutes per database):
``BENCH_CASES=2000 BENCH_EVENTS=40000 BENCH_POSTS=20 make bench`` is a quick run.

``BENCH_SQLITE_FROM`` (a state directory) and ``BENCH_POSTGRES_FROM`` (a database's name) start
from a copy of a database seeded before at the same sizes (``defector seed … --seed 15``)
instead of seeding one: the table then has no seed row. The copy is the run's scratch; the
database copied is never written. On PostgreSQL the scratch database is analyzed (``ANALYZE``)
before it is measured, as autovacuum would have done on a server where it runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    A_NAME,
    ROOT,
    Database,
    Load,
    env_int,
    machine,
    percentile,
    post_script,
    postgres_reachable,
    scratch,
    serve,
    settle,
    shell_json,
    warm,
    wrk,
)

SECONDS = env_int("BENCH_SECONDS", 8)
#: Rounds of each read, each round the baseline then the read (the ratio: their median).
ROUNDS = env_int("BENCH_ROUNDS", 3)
POSTS = env_int("BENCH_POSTS", 250)
CASES = env_int("BENCH_CASES", 100_000)
EVENTS = env_int("BENCH_EVENTS", 1_000_000)
APPENDS = env_int("BENCH_APPENDS", 2_000)
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
#: A database seeded before to start from, by vendor (empty: seed one).
COPY_OF = {
    "sqlite": os.environ.get("BENCH_SQLITE_FROM", ""),
    "postgresql": os.environ.get("BENCH_POSTGRES_FROM", ""),
}
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
PAGE_RUNS = 40
PAGE_WARM = 5

#: The benchmark's user: the case officer of the post with most cases, an API token, a web
#: session, a case they may read. Printed as JSON.
SETUP = """
import json
from django.db.models import Count
from django.test import Client
from defector.cases.models import Case
from defector.core import actions as core_actions
from defector.directory.models import RoleAssignment
post_id = Case.objects.values("post").annotate(n=Count("id")).order_by("-n")[0]["post"]
assignment = (
    RoleAssignment.objects.filter(role="case_officer", post_id=post_id)
    .select_related("official__user").order_by("pk").first()
)
user = assignment.official.user
_, token = core_actions.create_api_token(acting_user=user, user=user, name="bench", days=1)
api = Client(headers={"Authorization": f"Bearer {token}"}, HTTP_HOST="127.0.0.1")
listed = api.get("/api/v1/cases?limit=1").json()
items = listed["items"] if isinstance(listed, dict) else listed
web = Client()
web.force_login(user)
idc = (
    RoleAssignment.objects.filter(role="idc_member").select_related("official__user")
    .order_by("pk").first().official.user
)
world = Client()
world.force_login(idc)
print(json.dumps({
    "token": token, "session": web.cookies["sessionid"].value, "case": items[0]["id"],
    "idc_session": world.cookies["sessionid"].value,
    "post": post_id, "user": user.pk, "cases_at_post": Case.objects.filter(post_id=post_id).count(),
}))
"""

#: The append measure of ``bench_audit.py`` on this database (its audit.record against a plain
#: insert of the same row, interleaved), printed as JSON.
APPEND = """
import json, sys
sys.path.insert(0, {bench!r})
import bench_audit
bench_audit.APPENDS = {appends}
bench_audit.BLOCK = max(1, {appends} // 10)
audited, plain = bench_audit.bench_appends()
print(json.dumps({{"audited": audited, "plain": plain}}))
"""

#: The bytes ``defector audit verify`` hashes, read beforehand and hashed with nothing else in
#: the clock: each event's stored bytes (format 2), or the canonical encoding of its fields
#: (format 1, events stored before issue 15). Each its binary digest (the chain stores hex,
#: which costs more: ``hexdigest`` would make the baseline slower and every ratio kinder).
RAW_HASH = """
import json, time
from hashlib import sha256
from defector.core import chain, rows
encoded_rows = 0
seconds = 0.0
columns = ", ".join(chain.ROW_FIELDS)
with rows.connection.cursor() as cursor:
    cursor.execute(f"SELECT body, {columns} FROM core_auditevent ORDER BY seq")
    while batch := cursor.fetchmany(20000):
        encoded = []
        for body, *row in batch:
            if body is not None:
                encoded.append(bytes(body))
            else:
                fields = dict(zip(chain.SORTED_FIELDS, rows.decoded(tuple(row))))
                encoded.append(chain.canonical(fields))
        start = time.perf_counter()
        for data in encoded:
            sha256(data).digest()
        seconds += time.perf_counter() - start
        encoded_rows += len(encoded)
print(json.dumps({"events": encoded_rows, "seconds": seconds}))
"""


@dataclass
class Page:
    """A page measured against the raw SQL it needs: ``path`` (with ``{case}``, ``{post}``),
    and ``sql`` (with ``%(post)s``, ``%(user)s`` placeholders; ``?``-style for SQLite is made
    from it), read with the session ``session`` of :data:`SETUP` (the case officer's, or
    ``idc_session``: an IDC member's)."""

    name: str
    path: str
    sql: list[str]
    session: str = "session"


#: The benchmark's reader (a case officer at ``post``), their official record.
_READER = "(SELECT o.id FROM directory_official o WHERE o.user_id = %(user)s)"
#: The cases the reader may see (``cases.access``), as the page's query has it once their
#: principal is read: their own cases at the post where they are a case officer, not moved to
#: Washington, at a sensitivity their clearance covers (the seed's officials are cleared TOP
#: SECRET), and without a compartment they are not read into.
_VISIBLE = (
    "c.post_id IN (%(post)s) AND NOT c.in_washington "
    "AND c.id IN (SELECT a.case_id FROM cases_case_officers a WHERE a.official_id = {reader}) "
    "AND c.sensitivity IN ('UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET') "
    "AND NOT EXISTS (SELECT 1 FROM cases_case_compartments cc "
    "JOIN directory_compartment k ON k.id = cc.compartment_id WHERE cc.case_id = c.id "
    "AND k.code NOT IN (SELECT h.code FROM directory_compartment h "
    "JOIN directory_official_compartments oc ON oc.compartment_id = h.id "
    "WHERE oc.official_id = {reader}))"
)


def _with_visible(*sql: str) -> list[str]:
    """The statements with ``{visible}`` the reader's access condition, ``{reader}`` them."""
    return [s.replace("{visible}", _VISIBLE).replace("{reader}", _READER) for s in sql]


#: The pages measured against their raw SQL; add a page here with the SQL it cannot do
#: without.
PAGES: list[Page] = [
    Page(
        "the post's case list (first page of 50)",
        "/cases/",
        _with_visible(
            # the page's rows: each with its post's name and its open and overdue obligations
            "SELECT c.id, c.cryptonym, c.kind, p.name, c.stage, c.outcome, c.categories, "
            "(SELECT count(*) FROM cases_obligation b WHERE b.case_id = c.id "
            "AND b.status = 'open'), "
            "(SELECT count(*) FROM cases_obligation b WHERE b.case_id = c.id "
            "AND b.status = 'open' AND b.due_at < CURRENT_TIMESTAMP), "
            "c.sensitivity, c.opened_at "
            "FROM cases_case c JOIN directory_post p ON p.id = c.post_id "
            "WHERE {visible} ORDER BY c.opened_at DESC, c.id DESC LIMIT 50",
            # the count the page shows (and its pager)
            "SELECT count(*) FROM cases_case c WHERE {visible}",
            # the post filter's choices: the posts of the cases the reader sees
            "SELECT p.id, p.name FROM directory_post p WHERE p.id IN "
            "(SELECT c.post_id FROM cases_case c WHERE {visible}) ORDER BY p.name",
            # the officer filter's choices: the officers of those cases
            "SELECT o.id, u.first_name, u.last_name, u.username FROM directory_official o "
            "JOIN auth_user u ON u.id = o.user_id WHERE o.id IN (SELECT a.official_id "
            "FROM cases_case_officers a WHERE a.case_id IN "
            "(SELECT c.id FROM cases_case c WHERE {visible})) "
            "ORDER BY u.last_name, u.first_name, u.username",
            # the banner: those cases' threat information not yet disseminated (6b(3)(a))
            "SELECT b.id, b.case_id, b.due_at, c.cryptonym, p.code FROM cases_obligation b "
            "JOIN cases_case c ON c.id = b.case_id JOIN directory_post p ON p.id = c.post_id "
            "WHERE b.identifier = 'disseminate_threat_information' AND b.status = 'open' "
            "AND {visible} ORDER BY b.due_at, b.id LIMIT 50",
        ),
    ),
    Page(
        "Washington's worldwide view (facets, count, first page of 50)",
        "/reports/world/",
        [
            # the facets' counts (the total is their sum): one grouped count of the standing
            # rows of the cases (reports.models.Standing), overdue against now
            "SELECT s.post_id, p.code, p.country, s.stage, s.exploitation, "
            "CASE WHEN s.next_due < CURRENT_TIMESTAMP THEN 1 ELSE 0 END, "
            "CASE WHEN s.proposals > 0 THEN 1 ELSE 0 END, count(*) "
            "FROM reports_standing s JOIN cases_case c ON c.id = s.case_id "
            "JOIN directory_post p ON p.id = s.post_id GROUP BY 1, 2, 3, 4, 5, 6, 7",
            # the first page of 50, newest first
            "SELECT s.*, c.cryptonym, p.code, p.country FROM reports_standing s "
            "JOIN cases_case c ON c.id = s.case_id JOIN directory_post p ON p.id = s.post_id "
            "ORDER BY s.opened_at DESC, s.case_id DESC LIMIT 50",
        ],
        session="idc_session",
    ),
]


@dataclass
class Row:
    what: str
    figure: str
    baseline: str
    ratio: float | None
    goal: str = ""


def ratio_text(row: Row) -> str:
    if row.ratio is None:
        return "—"
    return f"1/{1 / row.ratio:,.0f}" if 0 < row.ratio < 0.1 else f"{row.ratio:.2f}"


def page_p95(db: Database, base: str, session: str, page: Page, the: dict[str, Any]) -> Row:
    import http.client

    path = page.path.format(case=the["case"], post=the["post"])
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=60)
    times = []
    # Each side warmed first (``PAGE_WARM`` runs not counted): the page's process and the
    # raw SQL's connection start with the database's pages in their caches alike; a cold
    # first run of the raw SQL would be its p95 and flatter the ratio.
    for run in range(PAGE_WARM + PAGE_RUNS):
        start = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = connection.getresponse()
        response.read()
        if run >= PAGE_WARM:
            times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    connection.close()
    raw = []
    conn = db.connect()
    params = {"post": the["post"], "user": the["user"]}
    try:
        for run in range(PAGE_WARM + PAGE_RUNS):
            start = time.perf_counter()
            for sql in page.sql:
                cursor = conn.cursor()
                if db.vendor == "sqlite":
                    cursor.execute(
                        sql.replace("%(post)s", ":post").replace("%(user)s", ":user"), params
                    )
                else:
                    cursor.execute(sql, params)
                cursor.fetchall()
            if run >= PAGE_WARM:
                raw.append((time.perf_counter() - start) * 1000)
    finally:
        conn.close()
    page_p, raw_p = percentile(times, 0.95), percentile(raw, 0.95)
    return Row(
        f"{page.name}, p95",
        f"{page_p:,.1f} ms",
        f"raw SQL {raw_p:,.2f} ms",
        page_p / raw_p,
        "≤ 3",
    )


def seed(db: Database, env: dict[str, str]) -> Row:
    """Migrate and seed ``db`` at the run's sizes: the seed's row."""
    from harness import defector

    print(f"\n== {db.label}: migrate and seed", flush=True)
    defector(env, "migrate", "--verbosity", "0")
    start = time.perf_counter()
    seeded = defector(
        env, "seed", "--posts", str(POSTS), "--cases", str(CASES),
        "--audit-events", str(EVENTS), "--seed", "15",
    )  # fmt: skip
    seed_seconds = time.perf_counter() - start
    print(seeded.stdout.strip().splitlines()[0], flush=True)
    return Row(
        f"defector seed, {POSTS:,} posts, {CASES:,} cases, {EVENTS:,} events",
        f"{seed_seconds:,.0f} s",
        "—",
        None,
    )


def measure(db: Database, *, seeded_before: bool = False) -> list[Row]:
    env = db.env()
    rows: list[Row] = []
    from harness import defector

    if seeded_before:
        print(f"\n== {db.label}: a copy of a database seeded before", flush=True)
        defector(env, "migrate", "--verbosity", "0")
    else:
        rows.append(seed(db, env))
    if db.vendor == "postgresql":
        # The planner's statistics, as autovacuum keeps them on a server: without them (a
        # database just seeded, or copied from one, where autovacuum is off, as on this
        # machine) PostgreSQL plans with default guesses (the case page's obligations
        # hash-joined every official and user: 1.3 ms of the server's CPU, 0.1 ms with them).
        with db.connect() as connection:
            connection.execute("ANALYZE")
    the = shell_json(env, SETUP)
    token, session = the["token"], the["session"]
    bearer = {"Authorization": f"Bearer {token}"}
    cookie = {"Cookie": f"sessionid={session}"}
    with serve(env) as server:
        base = server.base
        warm(base, bearer)
        idle_rss, _ = server.memory()
        print(f"== {db.label}: wrk, {SECONDS} s each, 16 connections", flush=True)
        wrk(f"{base}/api/v1/me", seconds=2, headers=bearer)  # warm up

        baselines: list[Load] = []

        def baseline() -> Load:
            load = wrk(f"{base}/api/v1/me", seconds=SECONDS, headers=bearer)
            print(f"  GET /api/v1/me: {load.describe()}", flush=True)
            baselines.append(load)
            return load

        # Each read in rounds, each round the baseline and then the read: a run of a few
        # seconds can fall in a slow spell of the machine, so each ratio is taken within its
        # round, and the row's is the median of the rounds'.
        baseline_at = len(rows)
        rows.append(Row("GET /api/v1/me (the baseline)", "", "—", 1.0))
        against_baseline: list[tuple[Row, Load]] = []

        def against(what: str, load: Load, goal: str = "") -> None:
            settle(base, bearer)
            print(f"  {what}: {load.describe()}", flush=True)
            row = Row(what, load.describe(), "", None, goal)
            against_baseline.append((row, load))
            rows.append(row)

        def read(what: str, url: str, headers: dict[str, str]) -> None:
            """A read's steady state (two seconds' warm-up), in rounds against the baseline."""
            wrk(url, seconds=2, headers=headers)
            rounds = []
            for _ in range(ROUNDS):
                me = baseline()
                load = wrk(url, seconds=SECONDS, headers=headers)
                print(f"  {what}: {load.describe()} ({load.rate / me.rate:.2f})", flush=True)
                rounds.append((load.rate / me.rate, load, me))
            rounds.sort(key=lambda r: r[0])
            ratio, load, me = rounds[len(rounds) // 2]
            rows.append(
                Row(
                    what,
                    f"{load.describe()} (the median of {len(rounds)} rounds: "
                    + ", ".join(f"{r[0]:.2f}" for r in rounds)
                    + ")",
                    f"{me.rate:,.1f}/s",
                    ratio,
                    "≥ 0.5",
                )
            )

        case = the["case"]
        read("a case read, GET /api/v1/cases/{id}", f"{base}/api/v1/cases/{case}", bearer)
        read("the case page", f"{base}/cases/{case}/", cookie)
        read("the case list page", f"{base}/cases/", cookie)
        read("the case list, GET /api/v1/cases", f"{base}/api/v1/cases", bearer)
        # The pages against their raw SQL over the seeded set, before the writes below add
        # the reader's walk-ins (as many as the intake rounds manage: ~1,000 at the full
        # size, five times the cases the reader sees), so that the figure does not depend on
        # how fast the intake rounds ran.
        for page in PAGES:
            row = page_p95(db, base, the[page.session], page, the)
            print(f"  {row.what}: {row.figure} ({row.baseline})", flush=True)
            rows.append(row)
        walk_in = {
            "facts": {
                "nationalities": ["SU"], "escaped_control": True, "dissatisfied": True,
                "susceptible": True, "willing_to_defect": True,
                "special_value": ["information"], "requests": ["asylum"],
                "threat_information": True,
            },
            "received_where": "consular section, front desk",
            "true_name": A_NAME,
        }  # fmt: skip
        against(
            "a walk-in intake, POST /api/v1/cases/walk-ins (each its own name)",
            wrk(
                f"{base}/api/v1/cases/walk-ins",
                seconds=SECONDS,
                script=post_script(walk_in, bearer),
            ),
            "≥ 0.3",
        )
        # The worst case for the name trace: every walk-in the same person, so that each
        # intake matches every earlier one of the run and tells the IDC of each match.
        against(
            "a walk-in intake, the same name each time (each matches every earlier one)",
            wrk(
                f"{base}/api/v1/cases/walk-ins",
                seconds=SECONDS,
                script=post_script(walk_in | {"true_name": "Bench Subject"}, bearer),
            ),
        )
        facts = {
            "nationalities": ["SU"],
            "willing_to_defect": True,
            "location": "AT",
            "as_of": "2026-01-05",
        }
        against(
            "assessment, POST /api/v1/policy/assess",
            wrk(f"{base}/api/v1/policy/assess", seconds=SECONDS, script=post_script(facts, bearer)),
        )
        baseline()
        median = sorted(baselines, key=lambda load: load.rate)[len(baselines) // 2]
        rows[baseline_at].figure = (
            f"{median.describe()} (the median of {len(baselines)} runs, the writes' baseline: "
            + ", ".join(f"{load.rate:,.1f}/s" for load in baselines)
            + ")"
        )
        for row, load in against_baseline:
            row.baseline, row.ratio = f"{median.rate:,.1f}/s", load.rate / median.rate
        _, peak = server.memory()
        rows.append(
            Row(
                "peak memory of a server process under that load",
                f"{peak:,.0f} MiB",
                f"idle {idle_rss:,.0f} MiB",
                peak / idle_rss if idle_rss else None,
            )
        )
    print(f"== {db.label}: the audit chain", flush=True)
    # The command ``ROUNDS`` times, the median (a slow spell of the machine, again).
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        verified = defector(env, "audit", "verify", "--json", "--no-progress")
        runs.append((time.perf_counter() - start, json.loads(verified.stdout)))
        print(f"  audit verify: {runs[-1][0]:,.2f} s", flush=True)
    runs.sort(key=lambda run: run[0])
    command_seconds, report = runs[len(runs) // 2]
    raw = sorted((shell_json(env, RAW_HASH) for _ in range(ROUNDS)), key=lambda r: r["seconds"])[
        ROUNDS // 2
    ]
    events = report["events"]
    result = "OK" if report["ok"] else "FAULTY"
    rows.append(
        Row(
            "defector audit verify, the whole chain, whole command",
            f"{events:,} events {result}: {events / command_seconds:,.0f} events/s "
            f"({command_seconds:,.2f} s, the median of {len(runs)}; "
            f"{report.get('processes', 1)} process(es))",
            f"raw SHA-256 {raw['events'] / raw['seconds']:,.0f} events/s (one core)",
            (events / command_seconds) / (raw["events"] / raw["seconds"]),
            "≥ 0.5",
        )
    )
    rows.append(
        Row(
            "the verification alone (in the command)",
            f"{report['events_per_second']:,.0f} events/s",
            f"raw SHA-256 {raw['events'] / raw['seconds']:,.0f} events/s",
            report["events_per_second"] / (raw["events"] / raw["seconds"]),
            "≥ 0.5",
        )
    )
    appended = shell_json(env, APPEND.format(bench=str(ROOT / "tests" / "bench"), appends=APPENDS))
    rows.append(
        Row(
            f"one audit append (time), {APPENDS:,} appends",
            f"{1000 / appended['audited']:.3f} ms",
            f"plain insert {1000 / appended['plain']:.3f} ms",
            appended["plain"] / appended["audited"],
            "≤ 1.5",
        )
    )
    return rows


def print_table(results: dict[str, list[Row]]) -> None:
    labels = list(results)
    whats: list[str] = []
    goals: dict[str, str] = {}
    for rows in results.values():
        for row in rows:
            if row.what not in whats:
                whats.append(row.what)
            goals[row.what] = goals.get(row.what) or row.goal
    header = ["what", "goal"]
    for label in labels:
        header += [f"{label}: figure", f"{label}: baseline", f"{label}: ratio"]
    print("\n| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for what in whats:
        cells = [what, goals.get(what, "")]
        for label in labels:
            found = next((r for r in results[label] if r.what == what), None)
            cells += [found.figure, found.baseline, ratio_text(found)] if found else ["", "", ""]
        print("| " + " | ".join(cells) + " |")


def main() -> int:
    print(f"one benchmark table — {machine()}")
    print(f"sizes: {POSTS:,} posts, {CASES:,} cases, {EVENTS:,} audit events; wrk {SECONDS} s")
    results: dict[str, list[Row]] = {}
    for vendor in DATABASES:
        if vendor == "postgresql" and not postgres_reachable(POSTGRES):
            print(f"PostgreSQL not reachable at {POSTGRES}: skipped")
            continue
        with scratch(vendor, POSTGRES, copy_of=COPY_OF[vendor]) as db:
            results[db.label] = measure(db, seeded_before=bool(COPY_OF[vendor]))
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
