"""Tasks to the participating organizations (``6b(3)(d)``): the section of the case page, the
form that assigns one, and the page of one task (accept, decline, done, change, withdraw).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from defector.cases import actions as actions_handling
from defector.cases import queries
from defector.cases import queries as queries_handling
from defector.cases.choices import Stage, TaskStatus
from defector.cases.forms import (
    AcceptTaskForm,
    CompleteTaskForm,
    DeclineTaskForm,
    InviteForm,
    TaskEditForm,
    TaskForm,
    WithdrawInvitationForm,
    WithdrawTaskForm,
)
from defector.cases.views.common import Case, RecordPageView, SectionFormView
from defector.core.errors import NotFound
from defector.core.users import AnyUser

TASKS = "tasks"
INVITATIONS = "invited"


def tasks_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case's tasks; for those who may change the case, the form to add one."""
    data: dict[str, Any] = {
        "tasks": queries_handling.tasks_of(user, case),
        "clause": queries_handling.TASKS_CLAUSE,
    }
    if queries.handles_case(user, case) and case.stage != Stage.CLOSED:
        data["task_form"] = TaskForm(
            initial={"version": case.version},
            agencies=queries_handling.agencies_for_tasks(user, case),
            officials=queries_handling.officials_for_tasks(case),
        )
        data["may_invite"] = queries.may_invite(user, case)
    return data


def invitations_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The representatives of other agencies invited to the case (``6``); for the committee's
    chair, the form that invites one and the buttons that withdraw an invitation."""
    data: dict[str, Any] = {
        "invited": queries.invited_of(case),
        "clause": queries.INVITATION_CLAUSE,
    }
    if queries.may_invite(user, case) and case.stage != Stage.CLOSED:
        data["may_invite"] = True
        data["invite_form"] = InviteForm(
            initial={"version": case.version}, invitable=queries.invitable_for(case)
        )
    return data


class ChairOnlyMixin(SectionFormView):
    """A form of the committee's chair only: anyone else who may change the case is refused
    (403) before the form is read."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.row = self.case()
        if queries.can_change(request.user, self.row) and not queries.may_invite(
            request.user, self.row
        ):
            raise DjangoPermissionDenied("only the committee's chair may do this (6)")
        return super().post(request, *args, **kwargs)


class InviteView(ChairOnlyMixin):
    """The chair invites a representative of another agency (``6``)."""

    section = INVITATIONS
    form_name = "invite_form"

    def make_form(self, case: Case) -> InviteForm:
        return InviteForm(self.request.POST, invitable=queries.invitable_for(case))

    def act(self, form: Any) -> str:
        data = form.cleaned_data
        actions_handling.invite_to_case(
            acting_user=self.request.user,
            case_id=self.row.pk,
            expected_version=data["version"],
            official_id=data["official"],
        )
        return "Representative invited; they have been told."


class WithdrawInvitationView(ChairOnlyMixin):
    """The chair withdraws an invitation (``6``)."""

    section = INVITATIONS
    form_name = "withdraw_form"

    def make_form(self, case: Case) -> WithdrawInvitationForm:
        return WithdrawInvitationForm(self.request.POST)

    def act(self, form: Any) -> str:
        data = form.cleaned_data
        actions_handling.withdraw_invitation(
            acting_user=self.request.user,
            case_id=self.row.pk,
            expected_version=data["version"],
            official_id=data["official"],
        )
        return "Invitation withdrawn; the representative has been told."


class TaskAddView(SectionFormView):
    section = TASKS
    handling = True
    form_name = "task_form"

    def make_form(self, case: Case) -> TaskForm:
        return TaskForm(
            self.request.POST,
            agencies=queries_handling.agencies_for_tasks(self.request.user, case),
            officials=queries_handling.officials_for_tasks(case),
        )

    def act(self, form: Any) -> str:
        case = self.row
        data = form.cleaned_data
        task = actions_handling.create_task(
            acting_user=self.request.user,
            case_id=case.pk,
            expected_version=data["version"],
            title=data["title"],
            details=data.get("details") or "",
            due_on=data["due_on"],
            agency_id=data.get("agency"),
            official_id=data.get("official"),
        )
        return f"Task {task.pk} assigned to {task.assignee_name}."


class TaskPageView(RecordPageView):
    """One task: its assignee answers it (accept, decline, done); those who may change the
    case change it while it is unanswered, or withdraw it."""

    template_name = "cases/handling/task.html"
    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {
        "accept": ("accept_form", AcceptTaskForm),
        "decline": ("decline_form", DeclineTaskForm),
        "complete": ("complete_form", CompleteTaskForm),
        "edit": ("edit_form", TaskEditForm),
        "withdraw": ("withdraw_form", WithdrawTaskForm),
    }
    anchor = TASKS

    def record(self, case: Case) -> queries_handling.TaskView:
        try:
            return queries_handling.task_of(self.request.user, case, int(self.kwargs["item_id"]))
        except NotFound:
            raise Http404("no such task") from None

    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        verbs = []
        if queries_handling.may_answer(self.request.user, record):
            if record.status == TaskStatus.ASSIGNED:
                verbs += ["accept", "decline"]
            elif record.status == TaskStatus.ACCEPTED:
                verbs.append("complete")
        if view.can_change and queries.handles_case(self.request.user, case):
            if record.status == TaskStatus.ASSIGNED:
                verbs.append("edit")
            if record.is_open:
                verbs.append("withdraw")
        return verbs

    def initial(self, verb: str, record: Any) -> dict[str, Any]:
        if verb == "edit":
            return {"title": record.title, "details": record.details, "due_on": record.due_on}
        return {}

    def act_on(self, verb: str, form: Any, case: Case, record: Any) -> str:
        data = form.cleaned_data
        common: dict[str, Any] = {
            "acting_user": self.request.user,
            "case_id": case.pk,
            "task_id": record.id,
            "expected_version": data["version"],
        }
        if verb == "accept":
            actions_handling.accept_task(**common)
            return f"Task {record.id} accepted."
        if verb == "decline":
            actions_handling.decline_task(**common, reason=data["reason"])
            return f"Task {record.id} declined."
        if verb == "complete":
            actions_handling.complete_task(**common, result=data["result"])
            return f"Task {record.id} done."
        if verb == "edit":
            actions_handling.update_task(
                **common,
                title=data["title"],
                details=data.get("details") or "",
                due_on=data["due_on"],
            )
            return f"Task {record.id} changed."
        actions_handling.withdraw_task(**common, reason=data["reason"])
        return f"Task {record.id} withdrawn."

    def done_url(self, case: Case, record: Any) -> str:
        return reverse("cases:task", args=[case.pk, record.id])
