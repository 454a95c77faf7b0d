from __future__ import annotations

from django.apps import AppConfig


class TracesConfig(AppConfig):
    """Name traces for bona fides (``6b(3)(b)``): watch lists, the blind index over sealed
    names, traces on cases, and the automatic trace at intake."""

    name = "defector.traces"
    label = "traces"
    verbose_name = "Name traces"

    def ready(self) -> None:
        from defector.cases import signals as case_signals
        from defector.cases.sections import CaseSection, register_section
        from defector.traces import (
            access,  # noqa: F401  (registers its access rules)
            queries,
            receivers,
        )

        # Intake (and any change of a subject's names) indexes the names in the same
        # transaction and traces them after the commit (6b(3)(b)), or in it on SQLite.
        case_signals.subject_named.connect(
            receivers.on_subject_named, dispatch_uid="traces.subject_named"
        )
        # What needs no write lock, before the intake's transaction: the names' digests and
        # (on SQLite) the trace's search ahead.
        case_signals.subject_to_name.connect(
            receivers.on_subject_to_name, dispatch_uid="traces.subject_to_name"
        )
        # On SQLite the trace runs when the intake's change is recorded, in its transaction
        # (``traces.actions.intake``); its audit record is appended after the case's own.
        case_signals.case_changed.connect(
            receivers.on_case_changed, dispatch_uid="traces.case_changed"
        )
        register_section(
            CaseSection(
                key="name-traces",
                title="Name traces",
                template="traces/section.html",
                order=36,
                build=queries.section_data,
                visible=queries.may_trace,
            )
        )
