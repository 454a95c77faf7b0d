"""The only code that changes a case, one module per sub-domain.

Each action is one transaction: it finds the case the acting user may change (``find_case``),
claims its version (``claim_case``: of two officials who read the same version, the first to
write wins), asks ``policy`` when a rule applies, and writes its timeline entry and audit
record (``record_event``) in the same transaction. Long actions are split into a validating
``check_*`` part and a changing ``do_*`` part.
"""

from defector.cases.actions.bona_fides import (
    CHECK_AUDIT_FIELDS,
    MAX_FINDING_LENGTH,
    MAX_RATIONALE_LENGTH,
    add_bona_fides_check,
    record_bona_fides_verdict,
    record_check_result,
)
from defector.cases.actions.common import (
    CASE_AUDIT_FIELDS,
    OBLIGATION_AUDIT_FIELDS,
    Entry,
    _entry,
    claim_case,
    find_case,
    record_event,
    stale_message,
)
from defector.cases.actions.determination import (
    MAX_REFERRED_TO_LENGTH,
    MAX_TEXT_LENGTH,
    STATUS_AUDIT_FIELDS,
    STATUS_SUMMARIES,
    determine_status,
    refer_as_refugee,
)
from defector.cases.actions.facts import Assessed, update_facts
from defector.cases.actions.fields import MAX_ROW_ID
from defector.cases.actions.free_text import (
    NAMES_SUBJECT,
    refuse_if_named,
    refuse_names,
    refuse_names_at_post,
    refuse_names_of_cases,
    refuse_true_names,
    sealed_names,
)
from defector.cases.actions.inducement import (
    consider_recruitment_in_place,
    record_inducement_act,
    record_inducement_plan,
)
from defector.cases.actions.intake import CRYPTONYM_SAVE_ATTEMPTS, KIND_SUMMARIES, open_case
from defector.cases.actions.invitations import invite_to_case, withdraw_invitation
from defector.cases.actions.lifecycle import move_case
from defector.cases.actions.notes import add_note
from defector.cases.actions.obligations import (
    discharge_by_evidence,
    discharge_obligation,
    reassign_obligation,
    waive_obligation,
)
from defector.cases.actions.reveal import reveal_subject_field
from defector.cases.actions.risk import RISK_AUDIT_FIELDS, determine_political_risk
from defector.cases.actions.statements import (
    LANGUAGE_TAG,
    MAX_LANGUAGE_NAME_LENGTH,
    MAX_STATEMENT_LENGTH,
    StatementFile,
    read_statement_file,
    record_statement,
    withdraw_statement,
    witness_statement,
)
from defector.cases.actions.tasks import (
    MAX_TASK_DETAILS_LENGTH,
    MAX_TITLE_LENGTH,
    TASK_AUDIT_FIELDS,
    UNCHANGED,
    accept_task,
    complete_task,
    create_task,
    decline_task,
    update_task,
    withdraw_task,
)
from defector.cases.actions.transfers import (
    TRANSFER_AUDIT_FIELDS,
    accept_transfer,
    cancel_transfer,
    decline_transfer,
    propose_transfer,
)

__all__ = [
    "CASE_AUDIT_FIELDS",
    "CHECK_AUDIT_FIELDS",
    "CRYPTONYM_SAVE_ATTEMPTS",
    "KIND_SUMMARIES",
    "LANGUAGE_TAG",
    "MAX_FINDING_LENGTH",
    "MAX_LANGUAGE_NAME_LENGTH",
    "MAX_RATIONALE_LENGTH",
    "MAX_REFERRED_TO_LENGTH",
    "MAX_ROW_ID",
    "MAX_STATEMENT_LENGTH",
    "MAX_TASK_DETAILS_LENGTH",
    "MAX_TEXT_LENGTH",
    "MAX_TITLE_LENGTH",
    "NAMES_SUBJECT",
    "OBLIGATION_AUDIT_FIELDS",
    "RISK_AUDIT_FIELDS",
    "STATUS_AUDIT_FIELDS",
    "STATUS_SUMMARIES",
    "TASK_AUDIT_FIELDS",
    "TRANSFER_AUDIT_FIELDS",
    "UNCHANGED",
    "Assessed",
    "Entry",
    "StatementFile",
    "_entry",
    "accept_task",
    "accept_transfer",
    "add_bona_fides_check",
    "add_note",
    "cancel_transfer",
    "claim_case",
    "complete_task",
    "consider_recruitment_in_place",
    "create_task",
    "decline_task",
    "decline_transfer",
    "determine_political_risk",
    "determine_status",
    "discharge_by_evidence",
    "discharge_obligation",
    "find_case",
    "invite_to_case",
    "move_case",
    "open_case",
    "propose_transfer",
    "read_statement_file",
    "reassign_obligation",
    "record_bona_fides_verdict",
    "record_check_result",
    "record_event",
    "record_inducement_act",
    "record_inducement_plan",
    "record_statement",
    "refer_as_refugee",
    "refuse_if_named",
    "refuse_names",
    "refuse_names_at_post",
    "refuse_names_of_cases",
    "refuse_true_names",
    "reveal_subject_field",
    "sealed_names",
    "stale_message",
    "update_facts",
    "update_task",
    "waive_obligation",
    "withdraw_invitation",
    "withdraw_statement",
    "withdraw_task",
    "witness_statement",
]
