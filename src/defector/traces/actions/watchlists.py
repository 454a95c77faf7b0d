"""Watch lists (``6b(3)(b)``): importing a source (all or nothing, replacing the source's
entries in one transaction) and deleting one. The IDC manages them; an operator's command
(``defector import-watchlist``) acts with no user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from defector.core import audit
from defector.core.access import Action, get_for, principal_for
from defector.core.errors import InvalidInput, PermissionDenied
from defector.core.users import AnyUser
from defector.directory.queries import acting_official
from defector.traces.access import watchlists
from defector.traces.actions.index import index_entries
from defector.traces.choices import TRACES_CLAUSE
from defector.traces.models import WatchlistEntry, WatchlistSource
from defector.traces.validation import (
    WatchlistInvalid,
    parse_watchlist,
    source_name_problem,
)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    source: WatchlistSource
    entries: int
    names: int
    replaced: int

    def line(self) -> str:
        """The command's one summary line."""
        replaced = f", replacing {self.replaced}" if self.replaced else ""
        return (
            f"imported {self.entries} entries ({self.names} names) into watch list "
            f"{self.source.name!r}{replaced}"
        )


def check_may_manage(acting_user: AnyUser | None) -> None:
    """Only the IDC manages watch lists (an operator's command acts with no user)."""
    if acting_user is None:
        return
    if watchlists(principal_for(acting_user), Action.MANAGE) is None:
        raise PermissionDenied(
            "only the Interagency Defector Committee manages watch lists",
            clauses=(TRACES_CLAUSE,),
        )


def import_watchlist(*, acting_user: AnyUser | None, source: str, data: bytes) -> ImportSummary:
    """Import a watch list's CSV file (``contracts/traces.md``) as the source ``source``: every
    row valid or nothing imported (:class:`InvalidInput`, one error per bad row and column,
    field ``file``); an existing source's entries are replaced in the same transaction."""
    check_may_manage(acting_user)
    name = " ".join((source or "").split())
    problem = source_name_problem(name)
    if problem:
        raise InvalidInput([{"field": "source", "message": problem}])
    try:
        parsed = parse_watchlist(data)
    except WatchlistInvalid as exc:
        raise InvalidInput(
            [{"field": "file", "message": str(error)} for error in exc.errors],
            message=f"the watch list is refused: {len(exc.errors)} problem(s); nothing imported",
        ) from None
    official = acting_official(acting_user)
    with transaction.atomic():
        found, created = WatchlistSource.objects.select_for_update().get_or_create(name=name)
        before = {"entries": found.entry_count, "names": found.name_count}
        replaced = 0 if created else found.entries.count()
        found.entries.all().delete()  # their index rows go with them
        entries = WatchlistEntry.objects.bulk_create(
            [
                WatchlistEntry(
                    source=found,
                    reference=row.reference,
                    name=row.name,
                    aliases=list(row.aliases),
                    date_of_birth=row.date_of_birth,
                    nationality=row.nationality,
                )
                for row in parsed
            ],
            batch_size=1000,
        )
        for entry in entries:
            entry.source = found
        index_entries(entries)
        names = sum(1 + len(row.aliases) for row in parsed)
        found.entry_count = len(entries)
        found.name_count = names
        found.imported_at = timezone.now()
        found.imported_by = official
        found.save()
        audit.record(
            actor=acting_user,
            action="traces.watchlistsource.import",
            obj=found,
            before=None if created else before,
            after={"source": found.name, "entries": len(entries), "names": names},
        )
    return ImportSummary(found, len(entries), names, replaced)


def delete_watchlist(*, acting_user: AnyUser, source_id: int | str) -> None:
    """Delete a watch list with its entries and their index rows (hits keep what they found)."""
    with transaction.atomic():
        found = get_for(
            acting_user, Action.VIEW, WatchlistSource.objects.all(), source_id, what="watch list"
        )
        check_may_manage(acting_user)
        audit.record(
            actor=acting_user,
            action="traces.watchlistsource.delete",
            obj=found,
            before={"source": found.name, "entries": found.entry_count},
        )
        found.delete()
