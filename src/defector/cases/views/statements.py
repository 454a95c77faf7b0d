"""The signed voluntary statement (``6b(3)(c)``): the section of the case page, the page that
records one, the page of one statement (witness, withdraw) and its signature file.

The signature file is served only by :class:`StatementFileView`: the action it calls checks
access (404 for anyone who may not see the case) and the file's hash, and records the
reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from defector.cases import actions as actions_handling
from defector.cases import queries
from defector.cases import queries as queries_handling
from defector.cases.choices import Stage
from defector.cases.forms import StatementForm, WithdrawStatementForm, WitnessForm
from defector.cases.views.case import CaseDetailView, stale_case_message
from defector.cases.views.common import Case, RecordPageView
from defector.core.errors import NotFound
from defector.core.users import AnyUser
from defector.core.views import ActionFormMixin

STATEMENT = "statement"


def statement_section(user: AnyUser, case: Case) -> Mapping[str, Any]:
    """The case's statements and whether one counts."""
    return {
        "statements": queries_handling.statements_of(user, case),
        "on_file": queries_handling.signed_statement_on_file(case),
        "may_record": queries.can_change(user, case) and case.stage != Stage.CLOSED,
        "clause": queries_handling.STATEMENT_CLAUSE,
    }


class StatementPageView(RecordPageView):
    """One voluntary statement: both texts, the signature file, the witness; the forms to
    witness it (another official of the post) and to record its withdrawal."""

    template_name = "cases/handling/statement.html"
    forms: ClassVar[dict[str, tuple[str, type[Any]]]] = {
        "witness": ("witness_form", WitnessForm),
        "withdraw": ("withdraw_form", WithdrawStatementForm),
    }
    anchor = STATEMENT

    def record(self, case: Case) -> queries_handling.StatementView:
        try:
            return queries_handling.statement_of(
                self.request.user, case, int(self.kwargs["item_id"])
            )
        except NotFound:
            raise Http404("no such statement") from None

    def available(self, case: Case, view: queries.CaseView, record: Any) -> list[str]:
        verbs = []
        if queries_handling.may_witness(self.request.user, case, record):
            verbs.append("witness")
        if view.can_change and not record.withdrawn:
            verbs.append("withdraw")
        return verbs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = context["record"]
        if not record.witnessed and not record.withdrawn:
            recorder = record.recorded_by.id if record.recorded_by else None
            context["witness_problem"] = queries_handling.witness_problem(
                self.request.user, self.case(), recorded_by_id=recorder
            )
        return context

    def act_on(self, verb: str, form: Any, case: Case, record: Any) -> str:
        data = form.cleaned_data
        if verb == "witness":
            actions_handling.witness_statement(
                acting_user=self.request.user,
                case_id=case.pk,
                statement_id=record.id,
                expected_version=data["version"],
            )
            return f"You witnessed statement {record.id}: it now counts."
        actions_handling.withdraw_statement(
            acting_user=self.request.user,
            case_id=case.pk,
            statement_id=record.id,
            expected_version=data["version"],
            reason=data["reason"],
        )
        return f"Statement {record.number} withdrawn: it no longer counts."

    def done_url(self, case: Case, record: Any) -> str:
        return reverse("cases:statement", args=[case.pk, record.id])


class StatementNewView(ActionFormMixin, CaseDetailView):
    """Record the signed voluntary statement: both texts and the signature, uploaded or
    drawn on screen."""

    template_name = "cases/handling/statement_new.html"
    not_found_message = "no such case"
    row: Case

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = TemplateView.get_context_data(self, **kwargs)
        user = self.request.user
        case = self.case()
        view = queries.describe(user, case)
        if not view.can_change or view.closed:
            raise DjangoPermissionDenied("you may not record a statement on this case")
        context.setdefault("form", StatementForm(initial={"version": view.version}))
        context["case"] = view
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.row = self.case()
        if not queries.can_change(request.user, self.row):
            raise DjangoPermissionDenied("you may not change this case")
        return super().post(request, *args, **kwargs)

    def bound_form(self) -> StatementForm:
        return StatementForm(self.request.POST, self.request.FILES)

    def stale_message(self, form: Any) -> str | None:
        return stale_case_message(self.row, form)

    def act(self, form: Any) -> Any:
        data = form.cleaned_data
        return actions_handling.record_statement(
            acting_user=self.request.user,
            case_id=self.row.pk,
            expected_version=data["version"],
            language_code=data["language_code"],
            language_name=data["language_name"],
            text_original=data["text_original"],
            text_english=data["text_english"],
            signed_at=data["signed_at"],
            signature_file=data.get("signature_file"),
            signature_drawing=data.get("signature_drawing") or "",
        )

    def success_message(self, result: Any) -> str:
        return (
            f"Statement {result.number} recorded. Another official of the post must "
            "witness it before it counts."
        )

    def success_url(self, result: Any) -> str:
        return reverse("cases:statement", args=[self.row.pk, result.pk])

    def render_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


class StatementFileView(LoginRequiredMixin, View):
    """The signature file of a statement: 404 for anyone who may not see the case; sent as
    an attachment, never cached; each reading recorded."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, case_id: int, item_id: int) -> HttpResponse:
        try:
            stored = actions_handling.read_statement_file(
                acting_user=request.user, case_id=case_id, statement_id=item_id
            )
        except NotFound:
            raise Http404("no such statement") from None
        response = HttpResponse(stored.content, content_type=stored.content_type)
        response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
        response["Content-Length"] = str(len(stored.content))
        response["Cache-Control"] = "no-store, private, max-age=0"
        response["X-Content-Type-Options"] = "nosniff"
        return response
