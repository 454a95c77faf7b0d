"""Choices of the cases app: how a case came in, and who may open one."""

from __future__ import annotations

from typing import Final

from django.db import models

from defector.directory.choices import Role
from defector.policy.gates import bona_fides as bona_fides_rules
from defector.policy.gates import lifecycle as lifecycle_rules
from defector.policy.gates import transfers as transfer_rules


class IntakeKind(models.TextChoices):
    """How the person came to the program's attention."""

    WALK_IN = "walk_in", "Walk-in"
    POTENTIAL_DEFECTOR = "potential_defector", "Potential defector reported by an official"
    DISAFFECTED_PERSON = "disaffected_person", "Disaffected person reported by an official"


#: The clause defining each kind of person taken in; their reception is ``6b(1)``'s.
INTAKE_CLAUSE: Final[dict[str, str]] = {
    IntakeKind.WALK_IN: "2e",
    IntakeKind.POTENTIAL_DEFECTOR: "2c",
    IntakeKind.DISAFFECTED_PERSON: "2d",
}

#: Who may open a case at a post: the officials of that post who handle walk-ins there
#: (``6b(1)``): its case officers, its committee and its senior US representative.
OPENING_ROLES: Final[tuple[str, ...]] = (
    Role.CASE_OFFICER,
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIR,
    Role.SENIOR_REPRESENTATIVE,
)

#: The subject's sealed fields, in the order forms and pages show them, with their labels.
IDENTITY_FIELDS: Final[dict[str, str]] = {
    "true_name": "True name",
    "aliases": "Aliases",
    "birth_date": "Date of birth",
    "birth_place": "Place of birth",
    "identity_documents": "Identity documents",
}

#: The sensitivity a new case is given unless the official chooses another (capped by their
#: clearance): most walk-in cases are handled at this level.
DEFAULT_SENSITIVITY: Final = "SECRET"


class Stage(models.TextChoices):
    """Where a case stands, from the walk-in at the door to its close (``cases.lifecycle``)."""

    RECEPTION = "reception", "Reception"
    ASSESSMENT = "assessment", "Assessment"
    DETERMINATION = "determination", "Determination"
    EXPLOITATION = "exploitation", "Exploitation"
    RESETTLEMENT = "resettlement", "Resettlement"
    CLOSED = "closed", "Closed"


#: The stages of an open case, in order.
OPEN_STAGES: Final[tuple[str, ...]] = (
    Stage.RECEPTION,
    Stage.ASSESSMENT,
    Stage.DETERMINATION,
    Stage.EXPLOITATION,
    Stage.RESETTLEMENT,
)


class CaseOutcome(models.TextChoices):
    """How a closed case ended; required when closing, cleared when reopening."""

    GRANTED = "granted", "Defector status granted"
    DECLINED = "declined", "Defector status declined"
    REFERRED_REFUGEE = "referred_refugee", "Referred as a refugee"
    WITHDREW = "withdrew", "Withdrew"
    REDEFECTED = "redefected", "Re-defected"
    RETURNED = "returned", "Returned to their country"


#: The stages and outcomes mirror the pure lifecycle's (``policy.gates.lifecycle``).
if {stage.value: str(stage.label) for stage in Stage} != lifecycle_rules.STAGE_LABELS or {
    outcome.value: str(outcome.label) for outcome in CaseOutcome
} != lifecycle_rules.OUTCOME_LABELS:
    raise RuntimeError("cases.choices and policy.gates.lifecycle disagree on stages or outcomes")


class ObligationStatus(models.TextChoices):
    """Where one obligation of a case stands."""

    OPEN = "open", "Open"
    DONE = "done", "Done"
    WAIVED = "waived", "Waived"
    NOT_APPLICABLE = "not_applicable", "No longer applies"


#: The statuses that settle an obligation for good: a re-assessment that finds it again does
#: not open it again. (One that no longer applied is opened afresh when it arises again.)
SETTLED_STATUSES: Final[tuple[str, ...]] = (ObligationStatus.DONE, ObligationStatus.WAIVED)

#: Who may waive an obligation of a case: the post's committee chair and senior US
#: representative — a waiver sets aside what the directive asks, which the committee's local
#: procedures answer for (``6b``).
WAIVING_ROLES: Final[tuple[str, ...]] = (Role.COMMITTEE_CHAIR, Role.SENIOR_REPRESENTATIVE)

#: Who owns an obligation when it arises, if the post has exactly one official in that role;
#: otherwise the official whose action raised it.
OBLIGATION_OWNER_ROLES: Final[dict[str, str]] = {
    "political_risk_determination": Role.SENIOR_REPRESENTATIVE,
    "consider_defector_status": Role.COMMITTEE_CHAIR,
    "report_to_idc": Role.COMMITTEE_CHAIR,
}


# --- Determinations: political risk, status, inducement (2b, 5a, 6b(2), 7a) -----------------


class RiskSubject(models.TextChoices):
    """What a ``7a`` political-risk determination is about: the case as a whole, or one
    action contemplated toward the person."""

    CASE = "case", "The case as a whole"
    INDUCEMENT = "inducement", "Inducement"
    EXFILTRATION = "exfiltration", "Exfiltration"
    PUBLICITY = "publicity", "Publicity"


#: The actions contemplated toward a person that the senior representative may determine
#: the political risk of one by one (``7a``).
CONTEMPLATED_ACTIONS: Final[tuple[str, ...]] = (
    RiskSubject.INDUCEMENT,
    RiskSubject.EXFILTRATION,
    RiskSubject.PUBLICITY,
)


class RiskLevel(models.TextChoices):
    """The degree to which an action may affect the political and diplomatic interests of
    the US (``7a``), lowest first. ``prohibitive``: the action must not be taken."""

    NONE = "none", "None"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    PROHIBITIVE = "prohibitive", "Prohibitive"


class StatusDecision(models.TextChoices):
    """The committee's determination of defector status (``6b(2)``)."""

    GRANT = "grant", "Grant defector status"
    DECLINE = "decline", "Decline defector status"
    DEFER = "defer", "Defer the decision"


class AgencyStance(models.TextChoices):
    """A participating agency's position on a status determination."""

    CONCUR = "concur", "Concurs"
    DISSENT = "dissent", "Dissents"


class RecruitmentConclusion(models.TextChoices):
    """What a consideration of recruitment in place concluded (``5a(1)``)."""

    RECRUIT_IN_PLACE = "recruit_in_place", "Recruitment in place would better serve"
    INDUCE_DEFECTION = "induce_defection", "Induce defection"
    NEITHER = "neither", "Neither"


#: Who records the status determination (``6b(2)``): the post's committee chair, or a
#: committee member on the chair's behalf (the record names both).
#: Who handles a case (``6b(3)``): its checks and verdicts of bona fides, its tasks, its moves
#: from stage to stage. The senior US representative, who may change a case for the ``7a``
#: determination and to waive, does not handle it.
HANDLING_ROLES: Final[tuple[str, ...]] = (
    Role.COMMITTEE_CHAIR,
    Role.COMMITTEE_MEMBER,
    Role.CASE_OFFICER,
)
STATUS_ROLES: Final[tuple[str, ...]] = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)

#: The roles whose holders' agencies state a position on a status determination: the
#: agencies represented on the post's committee.
COMMITTEE_ROLES: Final[tuple[str, ...]] = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER)

#: The largest group an inducement plan may aim at unless the installation sets
#: ``DEFECTOR_MAX_INDUCEMENT_GROUP`` (``5a(4)``: no action to encourage the departure of large
#: numbers). Three: a person with a spouse or a companion is one defection, not a departure
#: of numbers; beyond a handful a plan starts to be what the clause forbids.
DEFAULT_MAX_INDUCEMENT_GROUP: Final = 3


# --- Handling: bona fides, the voluntary statement, tasks (6b(3)(b)-(d)) --------------------


class BonaFidesCheckKind(models.TextChoices):
    """The checks on which bona fides rests (``6b(3)(b)``)."""

    IDENTITY_DOCUMENTS = "identity_documents", "Identity documents"
    NAME_TRACES = "name_traces", "Name traces"
    DEBRIEFING_CONSISTENCY = "debriefing_consistency", "Debriefing consistency"
    INTERVIEW_OR_POLYGRAPH = "interview_or_polygraph", "Interview or polygraph"
    LIAISON_TRACES = "liaison_traces", "Liaison traces"


class CheckResult(models.TextChoices):
    """What a bona fides check found; every result but pending completes the check."""

    PENDING = "pending", "Pending"
    CONSISTENT = "consistent", "Consistent"
    INCONSISTENT = "inconsistent", "Inconsistent"
    INCONCLUSIVE = "inconclusive", "Inconclusive"


class BonaFidesVerdictKind(models.TextChoices):
    """The verdict on the person's bona fides, resting on completed checks."""

    ESTABLISHED = "established", "Established"
    DOUBTFUL = "doubtful", "Doubtful"
    REFUTED = "refuted", "Refuted"


#: The verdicts and results mirror those of the pure gate (``policy.gates.bona_fides``).
if {verdict.value: str(verdict.label) for verdict in BonaFidesVerdictKind} != (
    bona_fides_rules.VERDICT_LABELS
) or list(CheckResult.values) != [result.value for result in bona_fides_rules.CheckResult]:
    raise RuntimeError("cases.choices and policy.gates.bona_fides disagree on verdicts or results")


class SignatureMethod(models.TextChoices):
    """How the voluntary statement was signed (``6b(3)(c)``)."""

    UPLOAD = "upload", "Scanned signed statement (upload)"
    DRAWN = "drawn", "Signature drawn on screen"


class TaskStatus(models.TextChoices):
    """Where a task to a participating organization stands (``6b(3)(d)``)."""

    ASSIGNED = "assigned", "Assigned"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DONE = "done", "Done"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: Tasks still to be done: they can be overdue.
OPEN_TASK_STATUSES: Final[tuple[str, ...]] = (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED)


class TransferKind(models.TextChoices):
    """Why the case moves."""

    EXFILTRATION = "exfiltration", "Exfiltration"
    RESETTLEMENT = "resettlement", "Resettlement"
    OTHER = "other", "Other"


class TransferStatus(models.TextChoices):
    """Where a proposed move stands."""

    PROPOSED = transfer_rules.PROPOSED, transfer_rules.STATUSES[transfer_rules.PROPOSED]
    ACCEPTED = transfer_rules.ACCEPTED, transfer_rules.STATUSES[transfer_rules.ACCEPTED]
    DECLINED = transfer_rules.DECLINED, transfer_rules.STATUSES[transfer_rules.DECLINED]
    CANCELLED = transfer_rules.CANCELLED, transfer_rules.STATUSES[transfer_rules.CANCELLED]
