"""Scale-out at a bigger size than the suite's (``tests/ops/test_scale_out.py``): two
``defector serve`` processes and two ``defector worker`` processes on one PostgreSQL
(``--postgres URL``, default the local server; a scratch database made there and dropped),
``--rounds`` rounds of ``--writers`` conflicting writes and ``--intakes`` walk-ins from each
of four threads meanwhile. Prints what the suite asserts: the answers of each round, the
e-mails queued, sent and accepted by the SMTP server, and the audit chain's verification."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import machine, scratch

from support import scale_out
from support.smtp import run_smtp_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--intakes", type=int, default=10)
    options = parser.parse_args()
    print(f"scale-out — {machine()}")
    smtp = run_smtp_server()
    server = next(smtp)
    try:
        with scratch("postgresql", options.postgres) as db, tempfile.TemporaryDirectory() as tmp:
            figures = scale_out.run(
                Path(tmp),
                db.url,
                server,
                rounds=options.rounds,
                writers=options.writers,
                intake_threads=4,
                intakes=options.intakes,
            )
    finally:
        smtp.close()
    won = sum(answers.get(200, 0) for answers in figures.answers)
    refused = sum(answers.get(409, 0) for answers in figures.answers)
    other = sum(
        count for answers in figures.answers for status, count in answers.items()
        if status not in (200, 409)
    )  # fmt: skip
    print(f"rounds: {figures.rounds} of {options.writers} conflicting writes on two servers")
    print(
        f"  answered 200: {won} (one a round: {won == figures.rounds}); "
        f"409: {refused}; other: {other}"
    )
    print(f"  the version moved by one each round: {figures.version_moves == [1] * figures.rounds}")
    print(f"walk-ins meanwhile: {dict(figures.intakes)}")
    print(
        f"e-mails: {figures.emails} queued, {figures.emails_sent} sent, "
        f"{figures.smtp_accepted} accepted by the SMTP server, {figures.smtp_duplicates} "
        f"duplicates, {figures.smtp_unknown} unknown"
    )
    print(f"audit verify: exit {figures.verify_status}")
    print(figures.verify_output.strip())
    print(f"wall time: {figures.seconds:.1f} s")
    ok = (
        won == figures.rounds
        and other == 0
        and figures.smtp_duplicates == 0
        and figures.emails_sent == figures.emails == figures.smtp_accepted
        and figures.verify_status == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
