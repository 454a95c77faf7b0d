"""Notes on a case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from defector.cases import validation
from defector.cases.actions.common import claim_case, find_case, record_event
from defector.cases.actions.free_text import refuse_true_names
from defector.cases.models import CaseNote
from defector.cases.validation import Errors, as_version, clean_text, moment_of
from defector.core.access import Action
from defector.core.errors import InvalidInput
from defector.core.users import AnyUser
from defector.directory.queries import acting_official


def add_note(
    *,
    acting_user: AnyUser,
    case_id: int | str,
    expected_version: int | str | None,
    text: str,
    at: dt.datetime | None = None,
) -> CaseNote:
    """Add a note to the case. Notes are not sealed and everyone who sees the case may search
    them: they never hold a true name (the case is its cryptonym)."""
    moment = moment_of(at)
    with transaction.atomic():
        case = find_case(acting_user, case_id, Action.CHANGE)
        errors: Errors = []
        version = as_version(errors, expected_version)
        body = clean_text(
            errors,
            "text",
            text,
            limit=validation.MAX_NOTE_LENGTH,
            required="is required: write the note",
        )
        refuse_true_names(errors, case, text=body)
        if errors:
            raise InvalidInput(errors)
        case = claim_case(case, version, acting_user=acting_user, at=moment)
        note = CaseNote.objects.create(
            case=case, author=acting_official(acting_user), text=body, at=moment
        )
        record_event(
            case,
            acting_user=acting_user,
            action="cases.casenote.add",
            summary="Note added",
            at=moment,
            obj=note,
            after={"length": len(body)},
        )
    return note
