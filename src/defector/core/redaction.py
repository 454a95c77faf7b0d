"""What an auditor sees of case content: field names and digests, never the content.

The auditor is to prove who did what and when, not to read the case.
The stored events are not changed — the chain's hashes cover the real before/after — only
what the audit pages, the API and the CSV export show. This module is the one place that
decides what is case content:

- an event is **case content** unless its object type (or, without one, its action) belongs to
  one of :data:`ADMINISTRATION`'s apps: accounts, the directory, keys, tokens and the audit
  log itself, whose events auditors need in full. Every other app — cases, committees,
  escalations, notifications and any app added later — is case content: default deny.
- in a case-content event, ``before`` and ``after`` show each field's name with a digest of
  its value (:func:`digest`) inside a ``{"[redacted]": {...}}`` wrapper; an empty value stays
  ``null`` and a sealed one ``"[sealed]"`` (neither says anything). Its ``reason`` is a digest
  too, unless the action's verb is in :data:`ACCESS_VERBS` (a reveal, an export, a download):
  why someone looked is exactly what an auditor reviews.

A digest is an HMAC-SHA-256 of the value's canonical encoding (``core.chain``) under a key
derived from the deployment's secret key: equal values give equal digests, so two events can
be compared (did the rationale change between events 40 and 52?) without reading either, and
an auditor cannot confirm a guess (``"closed"``, a date) by hashing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.utils.crypto import salted_hmac

from defector.core import audit, chain
from defector.core.models import AuditEvent

#: App labels whose events record administration, not a case: shown to auditors in full.
ADMINISTRATION: Final = frozenset({"accounts", "audit", "auth", "core", "directory", "sealing"})
#: Verbs (an action's last part) whose stated reason justifies an access: shown in full.
ACCESS_VERBS: Final = frozenset({"reveal", "export", "download"})
#: The key that wraps a redacted snapshot: ``{"[redacted]": {"field": "hmac-sha256:…"}}``.
REDACTED_KEY: Final = chain.REDACTED_KEY
#: How a digest starts.
DIGEST_PREFIX: Final = chain.DIGEST_PREFIX
#: What a sealed value shows in a snapshot (``core.audit.SEALED_MARK``), kept as it is.
SEALED_MARK: Final = "[sealed]"
_SALT: Final = "defector.core.redaction"


def is_case_content(object_type: str, action: str) -> bool:
    """Whether an event's before/after (and reason) are case content an auditor may not read."""
    app = (object_type or action).split(".", 1)[0]
    return app not in ADMINISTRATION


def digest(value: Any) -> str:
    """A keyed digest of ``value``'s canonical encoding: equal values, equal digests."""
    mac = salted_hmac(_SALT, chain.canonical_text(value), algorithm="sha256")
    return DIGEST_PREFIX + mac.hexdigest()


def redact_snapshot(snapshot: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A before/after snapshot as an auditor sees it: field names and digests."""
    if snapshot is None:
        return None
    shown = {
        str(name): value if value is None or value == SEALED_MARK else digest(value)
        for name, value in snapshot.items()
    }
    return {REDACTED_KEY: shown}


def shown(event: AuditEvent) -> AuditEvent:
    """``event`` as an auditor sees it: an unsaved copy, case content redacted.

    The copy is never saved (the log is append-only, and its hash would no longer match);
    ``redacted`` says whether anything was hidden.
    """
    # What the hash covers (the stored bytes of a format-2 event), not the columns.
    copy = AuditEvent(**audit.hashed_fields(event), hash=event.hash)
    copy.pk = event.pk
    copy.redacted = False  # type: ignore[attr-defined]
    if not is_case_content(copy.object_type, copy.action):
        return copy
    copy.before = redact_snapshot(copy.before)
    copy.after = redact_snapshot(copy.after)
    verb = copy.action.rsplit(".", 1)[-1]
    if copy.reason and verb not in ACCESS_VERBS:
        copy.reason = digest(copy.reason)
    copy.redacted = True  # type: ignore[attr-defined]
    return copy
