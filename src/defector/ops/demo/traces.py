"""The demo's name traces (``6b(3)(b)``): a watch list imported by the IDC (fictional Hungarian
trade officials posted abroad, from a liaison service), and the Hungarian defector's case traced
against it by his case officer: the hit on his own entry marked a match, the others no match,
and the trace concluded "consistent" on his bona fides checklist. Through the traces app's own
actions."""

from __future__ import annotations

from typing import Final

from defector.cases.models import Case
from defector.ops.demo.directory import users
from defector.traces import actions as traces
from defector.traces.models import Trace, WatchlistSource
from defector.traces.queries import visible_hits

#: The watch list's name, and its rows (``contracts/traces.md``); fictional people.
SOURCE: Final = "Hungarian trade officials abroad (liaison, 1979)"
WATCHLIST: Final = (
    b"reference,name,aliases,date_of_birth,nationality\n"
    b"HU-TR-0112,Havas L\xc3\xa1szl\xc3\xb3 Ferenc,Laszlo Havas,1936-11-02,HU\n"
    b"HU-TR-0140,Kert\xc3\xa9sz G\xc3\xa1bor,,1939,HU\n"
    b"HU-TR-0203,Szab\xc3\xb3 Imre,Imre Szabo,1942-05,HU\n"
    b"HU-TR-0251,Hav\xc3\xa1s Tibor,,1951,HU\n"
)
#: The entry that is the defector himself.
HIS_ENTRY: Final = "HU-TR-0112"
#: The case traced (by where it was received), and who traces it.
TRACED: Final = "Side entrance, Boltzmanngasse"


def load_traces() -> None:
    """Import the watch list and trace the case against it (once)."""
    people = users("idc.analyst", "duty.officer")
    if len(people) < 2:
        return
    if not WatchlistSource.objects.filter(name=SOURCE).exists():
        traces.import_watchlist(acting_user=people["idc.analyst"], source=SOURCE, data=WATCHLIST)
    case = Case.objects.filter(post__code="VIENNA", received_where=TRACED).first()
    if case is None or Trace.objects.filter(case=case, kind="manual").exists():
        return
    officer = people["duty.officer"]
    trace = traces.run_trace(acting_user=officer, case_id=case.pk)
    for hit in visible_hits(officer, trace):
        traces.mark_hit(
            acting_user=officer,
            case_id=case.pk,
            trace_id=trace.pk,
            hit_id=hit.pk,
            mark="match" if hit.reference == HIS_ENTRY else "no_match",
        )
    case.refresh_from_db()
    traces.conclude_trace(
        acting_user=officer,
        case_id=case.pk,
        trace_id=trace.pk,
        expected_version=case.version,
        result="consistent",
    )
