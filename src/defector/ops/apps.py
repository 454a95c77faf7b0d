from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operators' tools: the demo data, the commands that stand above every app, the health
    checks and the metrics."""

    name = "defector.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from defector.core import metrics
        from defector.ops import queries

        metrics.register_gauge(
            "defector_obligations_overdue",
            "Open obligations of the directive past their due time, by clause.",
            queries.overdue_obligations_by_clause,
            labels=("clause",),
        )
        metrics.register_gauge(
            "defector_audit_chain_events",
            "Events on the audit chain (the position of its head).",
            queries.audit_chain_length,
        )
        metrics.register_gauge(
            "defector_audit_checkpoint_age_seconds",
            "Seconds since the last signed checkpoint of the audit chain (+Inf: none yet).",
            queries.last_checkpoint_age_seconds,
        )
        metrics.register_gauge(
            "defector_worker_heartbeat_age_seconds",
            "Seconds since a worker (defector worker) last reported (+Inf: none ever did).",
            queries.worker_heartbeat_age_seconds,
        )
