"""Reads of publicity proposals for display, with access control applied."""

from __future__ import annotations

from defector.publicity.queries.pending import awaiting_decision

__all__ = ["awaiting_decision"]
