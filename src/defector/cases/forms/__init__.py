"""Forms of the cases pages, one module a part of the case: the facts (also the Assess page's
form), intake, the case (its list's filters, its stage, a reveal), notes, obligations, bona
fides, statements, tasks, determinations and inducement; what they share is in ``common``.
"""

from __future__ import annotations

from defector.cases.forms.bona_fides import CheckForm, CheckResultForm, VerdictForm
from defector.cases.forms.case import CaseFilterForm, MoveForm, RevealForm
from defector.cases.forms.common import (
    CRYPTONYMS_HINT,
    CRYPTONYMS_ONLY,
    DATE_FORMATS,
    NO_NAMES_HINT,
    SEALED_HINT,
    TIME_FORMATS,
    DistinctIds,
    ErrorSummary,
    HandlingForm,
    checkboxes,
    date_field,
    radios,
    select,
    set_officials,
    textarea,
    version_field,
)
from defector.cases.forms.determination import ReferralForm, RiskForm, StatusForm
from defector.cases.forms.facts import (
    INTAKE_FIRST,
    INTAKE_FIRST_SECTION,
    INTAKE_FOLDED,
    PERSECUTION_GROUND_LABELS,
    REQUEST_LABELS,
    SECTIONS,
    SPECIAL_VALUE_LABELS,
    AssessForm,
    CaseFactsForm,
    FactsForm,
    Section,
    nationality_choices,
)
from defector.cases.forms.inducement import ActForm, ConsiderationForm, PlanForm
from defector.cases.forms.intake import IntakeForm, ReportForm, WalkInForm
from defector.cases.forms.notes import NoteForm, NoteSearchForm
from defector.cases.forms.obligations import DischargeForm, ReassignForm, WaiveForm
from defector.cases.forms.statements import (
    UPLOAD_HINT,
    StatementForm,
    WithdrawStatementForm,
    WitnessForm,
)
from defector.cases.forms.tasks import (
    AcceptTaskForm,
    CompleteTaskForm,
    DeclineTaskForm,
    InviteForm,
    TaskEditForm,
    TaskForm,
    WithdrawInvitationForm,
    WithdrawTaskForm,
)
from defector.cases.forms.walk_in import WALK_IN_SECTIONS, WalkInFactsForm

__all__ = [
    "CRYPTONYMS_HINT",
    "CRYPTONYMS_ONLY",
    "DATE_FORMATS",
    "INTAKE_FIRST",
    "INTAKE_FIRST_SECTION",
    "INTAKE_FOLDED",
    "NO_NAMES_HINT",
    "PERSECUTION_GROUND_LABELS",
    "REQUEST_LABELS",
    "SEALED_HINT",
    "SECTIONS",
    "SPECIAL_VALUE_LABELS",
    "TIME_FORMATS",
    "UPLOAD_HINT",
    "WALK_IN_SECTIONS",
    "AcceptTaskForm",
    "ActForm",
    "AssessForm",
    "CaseFactsForm",
    "CaseFilterForm",
    "CheckForm",
    "CheckResultForm",
    "CompleteTaskForm",
    "ConsiderationForm",
    "DeclineTaskForm",
    "DischargeForm",
    "DistinctIds",
    "ErrorSummary",
    "FactsForm",
    "HandlingForm",
    "IntakeForm",
    "InviteForm",
    "MoveForm",
    "NoteForm",
    "NoteSearchForm",
    "PlanForm",
    "ReassignForm",
    "ReferralForm",
    "ReportForm",
    "RevealForm",
    "RiskForm",
    "Section",
    "StatementForm",
    "StatusForm",
    "TaskEditForm",
    "TaskForm",
    "VerdictForm",
    "WaiveForm",
    "WalkInFactsForm",
    "WalkInForm",
    "WithdrawInvitationForm",
    "WithdrawStatementForm",
    "WithdrawTaskForm",
    "WitnessForm",
    "checkboxes",
    "date_field",
    "nationality_choices",
    "radios",
    "select",
    "set_officials",
    "textarea",
    "version_field",
]
