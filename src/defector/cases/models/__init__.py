"""Cases and what hangs off them, one module per sub-domain.

The subject (identity sealed, ``core.sealing``) and its case, the assessments of the facts, the
obligations they raise, the timeline and the notes, bona fides, the voluntary statement, tasks,
the determinations and inducement. Only ``cases.actions`` writes these models; ``cases.queries``
reads them for display, through ``core.access`` (every model here has a rule there: the case's
own).
"""

from defector.cases.models.bona_fides import BonaFidesCheck, BonaFidesVerdict
from defector.cases.models.determination import (
    AgencyPosition,
    PoliticalRiskDetermination,
    RefugeeReferral,
    StatusDetermination,
)
from defector.cases.models.facts import Assessment
from defector.cases.models.inducement import InducementAct, InducementPlan, RecruitmentConsideration
from defector.cases.models.intake import Case, Subject
from defector.cases.models.notes import CaseNote, TimelineEntry
from defector.cases.models.obligations import Obligation
from defector.cases.models.statements import VoluntaryStatement
from defector.cases.models.tasks import CaseTask
from defector.cases.models.transfers import CaseTransfer

__all__ = [
    "AgencyPosition",
    "Assessment",
    "BonaFidesCheck",
    "BonaFidesVerdict",
    "Case",
    "CaseNote",
    "CaseTask",
    "CaseTransfer",
    "InducementAct",
    "InducementPlan",
    "Obligation",
    "PoliticalRiskDetermination",
    "RecruitmentConsideration",
    "RefugeeReferral",
    "StatusDetermination",
    "Subject",
    "TimelineEntry",
    "VoluntaryStatement",
]
