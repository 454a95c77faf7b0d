"""Core's pages: the view kit every app's pages build on, and the audit pages.

The kit is :class:`~defector.core.views.kit.ActionFormMixin`, the one base for "a form that
posts to an action"; the audit pages are in :mod:`defector.core.views.audit`.
"""

from defector.core.views.audit import (
    AuditEventView,
    AuditExportView,
    AuditIndexView,
    AuditVerifyView,
)
from defector.core.views.kit import ActionFormMixin, apply_action_error

__all__ = [
    "ActionFormMixin",
    "AuditEventView",
    "AuditExportView",
    "AuditIndexView",
    "AuditVerifyView",
    "apply_action_error",
]
