"""Reads of the committees app for display, with access control applied (``core.access``).

The pages and the API share these. A committee, meeting or document the user may not see
answers :class:`~defector.core.errors.NotFound`, exactly as one that does not exist.

Other apps use three helpers that take no user (they are lookups, not displays):
:func:`committee_for_post`, :func:`members_of` and :func:`post_clocks`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from defector.cases import queries as case_queries
from defector.cases.choices import Stage
from defector.cases.models import Case
from defector.committees.choices import (
    MEMBER_ROLES,
    AgendaSource,
    MeetingStatus,
    MinutesStatus,
    ProceduresStatus,
)
from defector.committees.models import (
    Acknowledgement,
    AgendaItem,
    Attendance,
    BriefedOfficial,
    Briefing,
    Committee,
    GuidanceDocument,
    GuidanceVersion,
    Meeting,
    MeetingInvitation,
    Minutes,
    ProceduresVersion,
)
from defector.core.access import Action, Principal, get_for, principal_for, restrict
from defector.core.errors import NotFound
from defector.directory.choices import Role
from defector.directory.models import Official, Post, RoleAssignment
from defector.policy.gates import committees as gate
from defector.policy.obligations import ObligationId

AnyUser = User | AnonymousUser

#: The setting naming the minutes-forwarding clock when a post has no effective procedures.
MINUTES_DAYS_SETTING: Final = "DEFECTOR_MINUTES_FORWARDING_DAYS"
#: The setting naming the days between two briefings of the same official (``7b``).
REBRIEFING_DAYS_SETTING: Final = "DEFECTOR_REBRIEFING_DAYS"


def minutes_forwarding_days_default() -> int:
    return int(
        getattr(settings, MINUTES_DAYS_SETTING, gate.DEFAULT_CLOCKS["minutes_forwarding_days"])
    )


def rebriefing_days() -> int:
    return int(getattr(settings, REBRIEFING_DAYS_SETTING, gate.DEFAULT_REBRIEFING_DAYS))


#: The largest id a row may have (a signed 64-bit key); a larger one names nothing.
MAX_ID: Final = 2**63 - 1


_M = TypeVar("_M", bound=Model)


def _get(user: AnyUser, action: Action | str, queryset: QuerySet[_M], pk: Any, what: str) -> _M:
    """``core.access.get_for``, answering :class:`NotFound` for an id no row can have."""
    if isinstance(pk, bool) or not isinstance(pk, int | str):
        raise NotFound(f"no such {what}")
    if isinstance(pk, str):
        if not pk.strip().isdigit():
            raise NotFound(f"no such {what}")
        pk = int(pk)
    if not 0 < pk <= MAX_ID:
        raise NotFound(f"no such {what}")
    return get_for(user, action, queryset, pk, what=what)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def day_of(moment: dt.datetime) -> dt.date:
    """The calendar day of a time, in the installation's time zone (UTC by default)."""
    return timezone.localdate(moment)


# --- lookups for other apps ------------------------------------------------------------------


def committee_for_post(post: Post | int) -> Committee | None:
    """The committee of ``post`` (a post or its id), or ``None``. No access check: a lookup for
    other apps' actions and queries, which apply their own."""
    post_id = post if isinstance(post, int) else post.pk
    return Committee.objects.select_related("post").filter(post_id=post_id).first()


@dataclass(frozen=True, slots=True)
class Member:
    """A committee member as the directory has them: their role at the post and agency."""

    official: Official
    role: str
    agency: str

    @property
    def is_chair(self) -> bool:
        return self.role == Role.COMMITTEE_CHAIR

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def members_of(committee: Committee) -> list[Member]:
    """The committee's members (``6``): the active officials holding ``committee_chair`` or
    ``committee_member`` at its post, chairs first, then by agency and name. Read from the
    directory's roles; never stored twice."""
    assignments = (
        RoleAssignment.objects.filter(
            post_id=committee.post_id, role__in=MEMBER_ROLES, official__user__is_active=True
        )
        .select_related("official__user", "official__agency")
        .order_by("official__agency__code", "official__user__last_name", "official_id")
    )
    best: dict[int, Member] = {}
    for assignment in assignments:
        official = assignment.official
        held = best.get(official.pk)
        if held is None or assignment.role == Role.COMMITTEE_CHAIR:
            best[official.pk] = Member(official, assignment.role, official.agency.code)
    return sorted(best.values(), key=lambda m: (not m.is_chair, m.agency, str(m.official)))


def officials_with_role(committee: Committee, role: str) -> list[Official]:
    """The active officials holding ``role`` at the committee's post."""
    return list(
        Official.objects.filter(
            roles__post_id=committee.post_id, roles__role=role, user__is_active=True
        )
        .select_related("user", "agency")
        .distinct()
    )


def acknowledgers_of(committee: Committee) -> list[Official]:
    """Who must acknowledge the committee's procedures and guidance (``6e``): its members."""
    return [member.official for member in members_of(committee)]


def posts_without_committee() -> QuerySet[Post]:
    """Active posts with diplomatic representation and no committee (``6``): a flag."""
    return Post.objects.filter(
        active=True, diplomatic_representation=True, committee__isnull=True
    ).order_by("code")


def posts_without_committee_codes() -> list[str]:
    return list(posts_without_committee().values_list("code", flat=True))


# --- who the user is at a committee ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seat:
    """What the user is at one committee: the roles they hold at its post, or the IDC."""

    roles: frozenset[str]
    idc: bool
    official_id: int | None

    @property
    def chair(self) -> bool:
        return Role.COMMITTEE_CHAIR in self.roles

    @property
    def member(self) -> bool:
        return bool(self.roles & set(MEMBER_ROLES))

    @property
    def senior(self) -> bool:
        return Role.SENIOR_REPRESENTATIVE in self.roles

    @property
    def invited_only(self) -> bool:
        return not (self.member or self.senior or self.idc)


def seat_at(user: AnyUser, committee: Committee) -> Seat:
    principal = principal_for(user)
    return seat_of(principal, committee.post_id)


def seat_of(principal: Principal, post_id: int) -> Seat:
    roles = frozenset(role for post, role in principal.post_roles if post == post_id)
    return Seat(roles, Role.IDC_MEMBER in principal.roles, principal.official_id)


def is_idc(user: AnyUser) -> bool:
    principal = principal_for(user)
    return (
        Role.IDC_MEMBER in principal.roles
        and not principal.is_administrator
        and not principal.is_auditor
    )


# --- committees ------------------------------------------------------------------------------


def committees_for(user: AnyUser) -> QuerySet[Committee]:
    """The committees ``user`` may see: their posts' (members, chair, senior representative),
    those with a meeting they are invited to, or every one (the IDC)."""
    return restrict(user, Action.VIEW, Committee.objects.select_related("post")).order_by(
        "post__name"
    )


def access_committee(user: AnyUser, committee_id: Any, action: Action | str) -> Committee:
    return _get(
        user,
        action,
        Committee.objects.select_related("post"),
        committee_id,
        "committee",
    )


@dataclass(frozen=True, slots=True)
class Flag:
    """Something a dashboard shows about a committee, with the clause behind it."""

    code: str
    clause: str
    message: str
    #: ``error`` for a breach (a missed quarter, overdue minutes), ``warning`` for what is due.
    severity: str = "error"
    meeting_id: int | None = None


def effective_procedures(committee: Committee) -> ProceduresVersion | None:
    return committee.procedures.filter(status=ProceduresStatus.EFFECTIVE).first()


def minutes_days_for(committee: Committee) -> int:
    """The minutes-forwarding clock (``6a``): the effective procedures', else the setting."""
    version = effective_procedures(committee)
    if version is not None:
        return version.minutes_forwarding_days
    return minutes_forwarding_days_default()


def quarterly_check(committee: Committee, today: dt.date) -> gate.QuarterlyCheck:
    held = [
        day_of(starts_at)
        for starts_at in committee.meetings.filter(status=MeetingStatus.HELD).values_list(
            "starts_at", flat=True
        )
    ]
    return gate.missing_quarters(held, committee.established_on, today)


def minutes_checks(
    committee: Committee, now: dt.datetime
) -> list[tuple[Meeting, gate.MinutesCheck]]:
    """Each held meeting with its minutes-forwarding check (``6a``)."""
    days = minutes_days_for(committee)
    meetings = committee.meetings.filter(status=MeetingStatus.HELD).select_related("minutes")
    out = []
    for meeting in meetings:
        minutes = getattr(meeting, "minutes", None)
        forwarded = minutes.forwarded_at if minutes is not None else None
        out.append((meeting, gate.minutes_overdue(meeting.ends_at, forwarded, days, now)))
    return out


def committee_flags(committee: Committee, now: dt.datetime | None = None) -> list[Flag]:
    """The committee's flags at ``now``: quarters without a held meeting and a current quarter
    with none held or scheduled (``6a``), minutes overdue at the IDC (``6a``), no effective
    procedures (``6b``), re-briefings overdue (``7b``)."""
    moment = _now(now)
    today = day_of(moment)
    flags: list[Flag] = []
    quarterly = quarterly_check(committee, today)
    for quarter in quarterly.missing:
        flags.append(
            Flag("quarter_missed", "6a", f"No meeting was held in {quarter.label}.", "error")
        )
    held_days = [day_of(m.starts_at) for m in committee.meetings.filter(status=MeetingStatus.HELD)]
    scheduled_days = [
        day_of(m.starts_at) for m in committee.meetings.filter(status=MeetingStatus.SCHEDULED)
    ]
    due = gate.meeting_due_this_quarter(held_days, scheduled_days, today)
    if not due.allowed:
        flags.append(
            Flag("meeting_due", "6a", due.reason[:1].upper() + due.reason[1:] + ".", "warning")
        )
    for meeting, check in minutes_checks(committee, moment):
        if check.overdue:
            flags.append(
                Flag(
                    "minutes_overdue",
                    "6a",
                    f"The minutes of the meeting of {day_of(meeting.starts_at):%d %B %Y} were due "
                    f"at the IDC on {day_of(check.due_at):%d %B %Y}.",
                    "error",
                    meeting.pk,
                )
            )
    if effective_procedures(committee) is None:
        flags.append(
            Flag("no_procedures", "6b", "No local operating procedures are in effect.", "warning")
        )
    overdue = sum(
        1 for row in briefing_register(committee, today) if row.active and row.check.overdue
    )
    if overdue:
        flags.append(
            Flag(
                "rebriefing_overdue",
                "7b",
                f"{overdue} official(s) in the briefing register are due for a briefing.",
                "error",
            )
        )
    return flags


@dataclass(frozen=True, slots=True)
class CommitteeSummary:
    committee: Committee
    flags: list[Flag]
    next_meeting: Meeting | None
    last_held: Meeting | None

    @property
    def errors(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.severity == "error"]


def committee_summaries(user: AnyUser, now: dt.datetime | None = None) -> list[CommitteeSummary]:
    """The committees ``user`` may see, each with its flags (the index and the dashboards).
    Invited representatives get no flags: they see only the meetings they are invited to."""
    moment = _now(now)
    principal = principal_for(user)
    out: list[CommitteeSummary] = []
    for committee in committees_for(user):
        seat = seat_of(principal, committee.post_id)
        visible = meetings_of(user, committee)
        next_meeting = (
            visible.filter(status=MeetingStatus.SCHEDULED, ends_at__gte=moment)
            .order_by("starts_at")
            .first()
        )
        last_held = visible.filter(status=MeetingStatus.HELD).order_by("-starts_at").first()
        flags = [] if seat.invited_only else committee_flags(committee, moment)
        out.append(CommitteeSummary(committee, flags, next_meeting, last_held))
    return out


def flags_for(user: AnyUser, now: dt.datetime | None = None) -> list[tuple[Committee, Flag]]:
    """Every flag of the committees ``user`` may see (for a dashboard), most serious first."""
    found = [
        (summary.committee, flag)
        for summary in committee_summaries(user, now)
        for flag in summary.flags
    ]
    return sorted(found, key=lambda pair: (pair[1].severity != "error", pair[0].post.name))


# --- meetings --------------------------------------------------------------------------------


def meetings_of(user: AnyUser, committee: Committee) -> QuerySet[Meeting]:
    """The committee's meetings ``user`` may see (invited representatives: theirs only)."""
    return restrict(
        user,
        Action.VIEW,
        Meeting.objects.filter(committee=committee).select_related("committee__post"),
    ).order_by("-starts_at", "-pk")


def meetings_for_calendar(user: AnyUser, committee: Committee) -> list[Meeting]:
    return list(
        meetings_of(user, committee).order_by("starts_at", "pk").prefetch_related("agenda_items")
    )


def access_meeting(user: AnyUser, meeting_id: Any, action: Action | str) -> Meeting:
    return _get(
        user,
        action,
        Meeting.objects.select_related("committee__post", "scheduled_by__user"),
        meeting_id,
        "meeting",
    )


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    official: Official
    role: str
    status: str | None


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting as its page and ``GET /committees/meetings/{id}`` show it."""

    meeting: Meeting
    committee: Committee
    agenda: list[AgendaItem]
    attendance: list[AttendanceRow]
    invitations: list[MeetingInvitation]
    minutes: Minutes | None
    minutes_check: gate.MinutesCheck | None
    seat: Seat
    may_invite_officials: list[Official] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return self.meeting.status == MeetingStatus.HELD

    @property
    def scheduled(self) -> bool:
        return self.meeting.status == MeetingStatus.SCHEDULED

    @property
    def minutes_draft(self) -> bool:
        return self.minutes is None or self.minutes.status == MinutesStatus.DRAFT

    @property
    def can_schedule(self) -> bool:
        return self.seat.chair and self.scheduled

    @property
    def can_edit_agenda(self) -> bool:
        return (self.seat.member or self.seat.chair) and (
            self.scheduled or (self.held and self.minutes_draft)
        )

    @property
    def can_record_attendance(self) -> bool:
        return self.seat.chair and self.held and self.minutes_draft

    @property
    def can_draft_minutes(self) -> bool:
        return self.seat.member and self.held and self.minutes_draft

    @property
    def can_approve_minutes(self) -> bool:
        return (
            self.seat.chair
            and self.minutes is not None
            and self.minutes.status == MinutesStatus.DRAFT
            and bool(self.minutes.text.strip())
        )

    @property
    def can_forward_minutes(self) -> bool:
        return (
            self.seat.chair
            and self.minutes is not None
            and self.minutes.status == MinutesStatus.APPROVED
        )

    @property
    def can_acknowledge_receipt(self) -> bool:
        return (
            self.seat.idc
            and self.minutes is not None
            and self.minutes.status == MinutesStatus.FORWARDED
            and self.minutes.receipt_acknowledged_at is None
        )


def attendance_candidates(committee: Committee, meeting: Meeting) -> list[tuple[Official, str]]:
    """Who may attend: the members, the senior representative, and the invited."""
    found: dict[int, tuple[Official, str]] = {}
    for member in members_of(committee):
        found[member.official.pk] = (member.official, member.role_label)
    for official in officials_with_role(committee, Role.SENIOR_REPRESENTATIVE):
        found.setdefault(official.pk, (official, Role.SENIOR_REPRESENTATIVE.label))
    for invitation in meeting.invitations.select_related("official__user", "official__agency"):
        found.setdefault(
            invitation.official_id, (invitation.official, Role.INVITED_REPRESENTATIVE.label)
        )
    return list(found.values())


def describe_meeting(
    user: AnyUser, meeting: Meeting, now: dt.datetime | None = None
) -> MeetingView:
    committee = meeting.committee
    seat = seat_at(user, committee)
    agenda = list(
        restrict(
            user,
            Action.VIEW,
            AgendaItem.objects.filter(meeting=meeting).select_related("case", "added_by__user"),
        ).order_by("position", "pk")
    )
    recorded = {row.official_id: row.status for row in Attendance.objects.filter(meeting=meeting)}
    attendance = [
        AttendanceRow(official, role, recorded.get(official.pk))
        for official, role in attendance_candidates(committee, meeting)
    ]
    minutes = (
        restrict(user, Action.VIEW, Minutes.objects.filter(meeting=meeting))
        .select_related(
            "drafted_by__user",
            "approved_by__user",
            "forwarded_by__user",
            "receipt_acknowledged_by__user",
        )
        .first()
    )
    check = None
    if meeting.status == MeetingStatus.HELD and not seat.invited_only:
        check = gate.minutes_overdue(
            meeting.ends_at,
            minutes.forwarded_at if minutes is not None else None,
            minutes_days_for(committee),
            _now(now),
        )
    invitations = list(
        restrict(
            user,
            Action.VIEW,
            MeetingInvitation.objects.filter(meeting=meeting).select_related(
                "official__user", "official__agency"
            ),
        )
    )
    invited_ids = {invitation.official_id for invitation in invitations}
    candidates = (
        [
            official
            for official in officials_with_role(committee, Role.INVITED_REPRESENTATIVE)
            if official.pk not in invited_ids
        ]
        if seat.chair
        else []
    )
    return MeetingView(
        meeting, committee, agenda, attendance, invitations, minutes, check, seat, candidates
    )


@dataclass(frozen=True, slots=True)
class AgendaCandidate:
    """Something the agenda may be drawn from: a case, a problem, a due obligation."""

    source: str
    title: str
    case_id: int | None = None
    reference: str = ""


#: Providers of a post's open mutual problems (``6c``), as ``provider(user, post)``: the
#: escalations app registers one in its ``ready()``.
ProblemsProvider = Callable[[AnyUser, Post], Iterable[Model]]
_PROBLEM_PROVIDERS: list[ProblemsProvider] = []


def register_problems_provider(provider: ProblemsProvider) -> None:
    """Let ``provider(user, post)`` put a post's open problems on the agenda's candidates.
    Registering the same function twice has no effect."""
    if provider not in _PROBLEM_PROVIDERS:
        _PROBLEM_PROVIDERS.append(provider)


def _open_cases(user: AnyUser, post: Post) -> list[Case]:
    cases = restrict(user, Action.VIEW, Case.objects.filter(post=post))
    return list(cases.exclude(stage=Stage.CLOSED).order_by("opened_at", "pk"))


def agenda_candidates(user: AnyUser, committee: Committee) -> list[AgendaCandidate]:
    """What the agenda is drawn from: the post's open cases (by cryptonym) and its open mutual
    problems (``6c``)."""
    post = committee.post
    found = [
        AgendaCandidate(AgendaSource.CASE, f"Case {case.cryptonym}", case_id=case.pk)
        for case in _open_cases(user, post)
    ]
    for provider in _PROBLEM_PROVIDERS:
        for problem in provider(user, post):
            found.append(
                AgendaCandidate(
                    AgendaSource.PROBLEM,
                    f"Mutual problem: {problem}",
                    reference=f"escalations.problem:{problem.pk}",
                )
            )
    return found


def minutes_received(user: AnyUser) -> QuerySet[Minutes]:
    """Forwarded minutes from every committee (the IDC's "Minutes received"), newest first."""
    return (
        restrict(user, Action.VIEW, Minutes.objects.filter(status=MinutesStatus.FORWARDED))
        .select_related(
            "meeting__committee__post", "forwarded_by__user", "receipt_acknowledged_by__user"
        )
        .order_by("receipt_acknowledged_at", "-forwarded_at")
    )


def unacknowledged_minutes_count(user: AnyUser) -> int:
    """How many forwarded minutes await the IDC's acknowledgement of receipt."""
    return minutes_received(user).filter(receipt_acknowledged_at__isnull=True).count()


# --- local operating procedures (6b) ---------------------------------------------------------


def procedures_of(user: AnyUser, committee: Committee) -> QuerySet[ProceduresVersion]:
    return (
        restrict(user, Action.VIEW, ProceduresVersion.objects.filter(committee=committee))
        .select_related("chair_approved_by__user", "senior_approved_by__user", "created_by__user")
        .order_by("-number")
    )


def access_procedures(
    user: AnyUser, version_id: Any, action: Action | str = Action.VIEW
) -> ProceduresVersion:
    return _get(
        user,
        action,
        ProceduresVersion.objects.select_related(
            "committee__post",
            "chair_approved_by__user",
            "senior_approved_by__user",
            "created_by__user",
        ),
        version_id,
        "version of the procedures",
    )


@dataclass(frozen=True, slots=True)
class Clocks:
    """A post's clocks, from its effective local operating procedures (``6b``)."""

    threat_dissemination_minutes: int
    bona_fides_days: int
    idc_report_days: int
    minutes_forwarding_days: int
    version_id: int
    version_number: int


def post_clocks(post: Post | int) -> Clocks | None:
    """The clocks of the effective procedures of ``post``'s committee, or ``None`` when it has
    none in effect. A lookup for other apps (no access check)."""
    post_id = post if isinstance(post, int) else post.pk
    version = ProceduresVersion.objects.filter(
        committee__post_id=post_id, status=ProceduresStatus.EFFECTIVE
    ).first()
    if version is None:
        return None
    return Clocks(
        version.threat_dissemination_minutes,
        version.bona_fides_days,
        version.idc_report_days,
        version.minutes_forwarding_days,
        version.pk,
        version.number,
    )


def case_clocks(post: Any) -> dict[str, dt.timedelta | None] | None:
    """The provider of ``defector.cases.clocks``: the obligations' clocks that the post's
    effective procedures set (threat information, bona fides, the IDC report)."""
    clocks = post_clocks(post)
    if clocks is None:
        return None
    return {
        ObligationId.DISSEMINATE_THREAT_INFORMATION: dt.timedelta(
            minutes=clocks.threat_dissemination_minutes
        ),
        ObligationId.ESTABLISH_BONA_FIDES: dt.timedelta(days=clocks.bona_fides_days),
        ObligationId.REPORT_TO_IDC: dt.timedelta(days=clocks.idc_report_days),
    }


@dataclass(frozen=True, slots=True)
class SectionView:
    key: str
    title: str
    text: str

    @property
    def written(self) -> bool:
        return bool(self.text.strip())


def sections_of(version: ProceduresVersion) -> list[SectionView]:
    stored = version.sections or {}
    return [
        SectionView(key, title, str(stored.get(key) or ""))
        for key, title in gate.REQUIRED_SECTIONS.items()
    ]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a side-by-side difference: ``same``, ``changed``, ``removed`` or ``added``."""

    kind: str
    old_number: int | None
    old_text: str
    new_number: int | None
    new_text: str

    @property
    def label(self) -> str:
        return {"same": "Unchanged", "changed": "Changed", "removed": "Removed", "added": "Added"}[
            self.kind
        ]


@dataclass(frozen=True, slots=True)
class SectionDiff:
    key: str
    title: str
    rows: list[DiffRow]
    unified: str

    @property
    def changed(self) -> bool:
        return any(row.kind != "same" for row in self.rows)


def _side_by_side(old: Sequence[str], new: Sequence[str]) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                rows.append(
                    DiffRow(
                        "same", i1 + offset + 1, old[i1 + offset], j1 + offset + 1, new[j1 + offset]
                    )
                )
            continue
        span = max(i2 - i1, j2 - j1)
        for offset in range(span):
            i, j = i1 + offset, j1 + offset
            has_old, has_new = i < i2, j < j2
            kind = "changed" if has_old and has_new else ("removed" if has_old else "added")
            rows.append(
                DiffRow(
                    kind,
                    i + 1 if has_old else None,
                    old[i] if has_old else "",
                    j + 1 if has_new else None,
                    new[j] if has_new else "",
                )
            )
    return rows


def _clock_lines(version: ProceduresVersion) -> list[str]:
    return [f"{label}: {getattr(version, name)} {unit}" for name, label, unit, *_ in gate.CLOCKS]


def procedures_diff(old: ProceduresVersion, new: ProceduresVersion) -> list[SectionDiff]:
    """The differences between two versions, section by section (and the clocks), as rows for
    an accessible side-by-side table and as a unified diff (``difflib``)."""
    out: list[SectionDiff] = []
    parts: list[tuple[str, str, list[str], list[str]]] = [
        (
            section.key,
            section.title,
            (old.sections or {}).get(section.key, "").splitlines(),
            (new.sections or {}).get(section.key, "").splitlines(),
        )
        for section in sections_of(new)
    ]
    parts.append(("clocks", "The post's clocks", _clock_lines(old), _clock_lines(new)))
    for key, title, before, after in parts:
        unified = "\n".join(
            difflib.unified_diff(
                before,
                after,
                fromfile=f"version {old.number}: {key}",
                tofile=f"version {new.number}: {key}",
                lineterm="",
            )
        )
        out.append(SectionDiff(key, title, _side_by_side(before, after), unified))
    return out


def previous_version(version: ProceduresVersion) -> ProceduresVersion | None:
    return (
        ProceduresVersion.objects.filter(
            committee_id=version.committee_id, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )


# --- acknowledgements (6e) -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AcknowledgementStatus:
    acknowledged: list[Acknowledgement]
    outstanding: list[Official]

    def by(self, official_id: int | None) -> Acknowledgement | None:
        return next((a for a in self.acknowledged if a.official_id == official_id), None)


def acknowledgement_status(
    committee: Committee,
    *,
    procedures_version: ProceduresVersion | None = None,
    guidance_version: GuidanceVersion | None = None,
) -> AcknowledgementStatus:
    """Who of the members has acknowledged the version, and who has not yet (``6e``)."""
    if procedures_version is not None:
        done = Acknowledgement.objects.filter(procedures_version=procedures_version)
    else:
        done = Acknowledgement.objects.filter(guidance_version=guidance_version)
    acknowledged = list(done.select_related("official__user").order_by("acknowledged_at"))
    have = {a.official_id for a in acknowledged}
    outstanding = [official for official in acknowledgers_of(committee) if official.pk not in have]
    return AcknowledgementStatus(acknowledged, outstanding)


def unacknowledged(
    committee: Committee,
    *,
    procedures_version: ProceduresVersion | None = None,
    guidance_version: GuidanceVersion | None = None,
) -> list[Official]:
    """The members who have not yet acknowledged the version (``6e``)."""
    return acknowledgement_status(
        committee, procedures_version=procedures_version, guidance_version=guidance_version
    ).outstanding


def awaiting_acknowledgement(user: AnyUser) -> list[ProceduresVersion | GuidanceVersion]:
    """The effective procedures and latest guidance versions ``user`` must still acknowledge."""
    principal = principal_for(user)
    if principal.official_id is None:
        return []
    posts = principal.posts_with(*MEMBER_ROLES)
    waiting: list[ProceduresVersion | GuidanceVersion] = []
    waiting += list(
        ProceduresVersion.objects.filter(
            committee__post_id__in=sorted(posts), status=ProceduresStatus.EFFECTIVE
        )
        .exclude(acknowledgements__official_id=principal.official_id)
        .select_related("committee__post")
    )
    for document in GuidanceDocument.objects.filter(committee__post_id__in=sorted(posts)):
        latest = document.versions.order_by("-number").first()
        if (
            latest is not None
            and not latest.acknowledgements.filter(official_id=principal.official_id).exists()
        ):
            waiting.append(latest)
    return waiting


# --- the senior US representative (7a, 7b, 7c) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterRow:
    person: BriefedOfficial
    last: Briefing | None
    check: gate.BriefingCheck

    @property
    def active(self) -> bool:
        return self.person.active


def briefing_register(committee: Committee, today: dt.date) -> list[RegisterRow]:
    """The ``7b`` register with each person's last briefing and whether one is due."""
    interval = rebriefing_days()
    people = (
        BriefedOfficial.objects.filter(committee=committee)
        .select_related("official__user")
        .prefetch_related(
            Prefetch(
                "briefings",
                queryset=Briefing.objects.select_related("briefed_by__user").order_by(
                    "-briefed_on", "-pk"
                ),
            )
        )
    )
    rows = []
    for person in people:
        briefings = list(person.briefings.all())
        last = briefings[0] if briefings else None
        if last is not None:
            check = gate.rebriefing_due(
                last.briefed_on, person.listed_on, (last.next_due_on - last.briefed_on).days, today
            )
        else:
            check = gate.rebriefing_due(None, person.listed_on, interval, today)
        rows.append(RegisterRow(person, last, check))
    return sorted(rows, key=lambda r: (not r.person.active, not r.check.overdue, r.check.due_on))


def register_of(
    user: AnyUser, committee: Committee, today: dt.date | None = None
) -> list[RegisterRow]:
    """The briefing register of a committee ``user`` may see (else empty)."""
    if not restrict(
        user, Action.VIEW, BriefedOfficial.objects.filter(committee=committee)
    ).exists():
        return []
    return briefing_register(committee, today or timezone.localdate())


def access_register_entry(user: AnyUser, person_id: Any) -> BriefedOfficial:
    return _get(
        user,
        Action.VIEW,
        BriefedOfficial.objects.select_related("committee__post", "official__user"),
        person_id,
        "entry of the briefing register",
    )


def briefings_of(user: AnyUser, person: BriefedOfficial) -> QuerySet[Briefing]:
    return (
        restrict(user, Action.VIEW, Briefing.objects.filter(person=person))
        .select_related("briefed_by__user")
        .order_by("-briefed_on", "-pk")
    )


@dataclass(frozen=True, slots=True)
class GuidanceView:
    document: GuidanceDocument
    versions: list[GuidanceVersion]
    status: AcknowledgementStatus

    @property
    def latest(self) -> GuidanceVersion:
        return self.versions[0]


def guidance_of(user: AnyUser, committee: Committee) -> list[GuidanceView]:
    """The committee's guidance documents (``7c``), latest version first, with who has and has
    not acknowledged the latest."""
    documents = restrict(
        user, Action.VIEW, GuidanceDocument.objects.filter(committee=committee)
    ).order_by("-created_at")
    out = []
    for document in documents:
        versions = list(document.versions.select_related("issued_by__user").order_by("-number"))
        if not versions:
            continue
        out.append(
            GuidanceView(
                document,
                versions,
                acknowledgement_status(committee, guidance_version=versions[0]),
            )
        )
    return out


def access_guidance_version(user: AnyUser, version_id: Any) -> GuidanceVersion:
    return _get(
        user,
        Action.VIEW,
        GuidanceVersion.objects.select_related("document__committee__post", "issued_by__user"),
        version_id,
        "guidance",
    )


def guidance_versions(version: GuidanceVersion) -> list[GuidanceVersion]:
    """Every version of the document ``version`` belongs to (seen with it), newest first."""
    return list(
        GuidanceVersion.objects.filter(document_id=version.document_id)
        .select_related("issued_by__user")
        .order_by("-number")
    )


def access_guidance_document(user: AnyUser, document_id: Any) -> GuidanceDocument:
    return _get(
        user,
        Action.VIEW,
        GuidanceDocument.objects.select_related("committee__post"),
        document_id,
        "guidance",
    )


@dataclass(frozen=True, slots=True)
class Determinations:
    """The ``7a`` section of the senior representative's page: what the cases app offers."""

    #: ``determinations`` (recorded determinations) or ``awaiting`` (cases awaiting one).
    kind: str
    items: list[Any]


def determinations_for(user: AnyUser, committee: Committee) -> Determinations | None:
    """The post's ``7a`` political-risk determinations, when the cases app records them; else
    its cases awaiting one, when the cases app tracks obligations; else ``None`` (the page
    leaves the section out)."""
    post = committee.post
    listed = getattr(case_queries, "political_risk_determinations", None)
    if listed is not None:
        return Determinations("determinations", list(listed(user, post)))
    awaiting = getattr(case_queries, "awaiting_political_risk_determination", None)
    if awaiting is not None:
        return Determinations("awaiting", list(awaiting(user, post)))
    return None


def invitable_officials(committee: Committee) -> list[Official]:
    return officials_with_role(committee, Role.INVITED_REPRESENTATIVE)


def briefers(committee: Committee) -> list[Official]:
    """Who may have given a briefing: the post's officials (members, senior, case officers)."""
    return list(
        Official.objects.filter(roles__post_id=committee.post_id, user__is_active=True)
        .select_related("user")
        .distinct()
    )


def officials_at_post(committee: Committee) -> list[Official]:
    return list(
        Official.objects.filter(post_id=committee.post_id, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def official_ids(officials: Iterable[Official]) -> set[int]:
    return {official.pk for official in officials}
