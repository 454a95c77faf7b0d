"""The view kit: one base for every page form that posts to an action.

A view that mixes in :class:`ActionFormMixin` says which form it posts (``bound_form``), which
action it calls (``act``), what to say and where to go on success (``success_message``,
``success_url``), and how to show the page again with the form in error (``render_invalid``).
The mixin does the rest the same way everywhere: a missing or hidden object answers 404, a
refusal for want of permission 403 (or what ``permission_refusal`` says), and a refusal of the
input, of a stale version or of the directive comes back on the form (field errors on their
fields, the rest above the form as ``refusal_message`` words it: with its clauses).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Literal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from defector.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    PolicyRefusal,
)
from defector.core.forms import ActionErrorsMixin


def apply_action_error(form: forms.Form, exc: DomainError) -> None:
    """An action's refusal, on the form: field errors on their fields, the rest above."""
    if isinstance(exc, InvalidInput) and isinstance(form, ActionErrorsMixin):
        form.add_action_errors(exc.errors)
    elif isinstance(exc, InvalidInput):
        for error in exc.errors:
            name = error.get("field", "")
            form.add_error(name if name in form.fields else None, error.get("message", ""))
    elif isinstance(exc, PolicyRefusal) and exc.clauses:
        form.add_error(None, f"{exc.message} ({', '.join(exc.clauses)})")
    else:
        form.add_error(None, exc.message)


class ActionFormMixin(ABC):
    """POST one form to one action: on success a message and a redirect, otherwise the page
    again with the form and its errors. Mix in before a ``View``."""

    request: HttpRequest
    #: The message of a missing (or hidden) object's 404.
    not_found_message = "not found"
    #: What a refusal for want of permission answers: 403, 404 (a page that exists only for
    #: those who may act, as the directory's management pages), or an error above the form
    #: (a page whose every refusal is said on it, as the committees' pages).
    permission_refusal: ClassVar[Literal["403", "404", "form"]] = "403"

    def refusal_message(self, exc: DomainError) -> str:
        """How a refusal said above the form reads: its message, with the clauses behind it."""
        return f"{exc.message} ({', '.join(exc.clauses)})" if exc.clauses else exc.message

    def stale_message(self, form: forms.Form) -> str | None:
        """What a form posted from a page older than the record says (the version-conflict
        message the action would give), or ``None`` when the page was current. A form read
        against an older page may fail its own checks first (a choice no longer offered): the
        stale version is then the one error said, above the form."""
        return None

    @abstractmethod
    def bound_form(self) -> forms.Form:
        """The form this view posts, bound to the request's data."""

    @abstractmethod
    def act(self, form: Any) -> Any:
        """Call the action with the valid form; return what it made or changed."""

    @abstractmethod
    def success_message(self, result: Any) -> str:
        """The message shown after the action succeeded."""

    @abstractmethod
    def success_url(self, result: Any) -> str:
        """Where to go after the action succeeded."""

    @abstractmethod
    def render_invalid(self, form: Any) -> HttpResponse:
        """The page again, with ``form`` and its errors."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.bound_form()
        if form.is_valid():
            try:
                result = self.act(form)
            except NotFound:
                raise Http404(self.not_found_message) from None
            except PermissionDenied as exc:
                if self.permission_refusal == "404":
                    raise Http404(self.not_found_message) from None
                if self.permission_refusal == "403":
                    raise DjangoPermissionDenied(exc.message) from None
                form.add_error(None, self.refusal_message(exc))
            except InvalidInput as exc:
                apply_action_error(form, exc)
            except (Conflict, PolicyRefusal) as exc:
                form.add_error(None, self.refusal_message(exc))
            else:
                messages.success(request, self.success_message(result))
                return HttpResponseRedirect(self.success_url(result))
        else:
            stale = self.stale_message(form)
            if stale is not None:
                form.errors.clear()
                form.add_error(None, stale)
        return self.render_invalid(form)
