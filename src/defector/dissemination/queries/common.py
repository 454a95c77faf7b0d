"""What the readers of the dissemination app share: the clause, and row ids."""

from __future__ import annotations

from typing import Final

from defector.policy.gates import dissemination as gate
from defector.policy.obligations import ObligationId

CLAUSE: Final = gate.CLAUSE
#: The largest id a row may have (a larger number names no row, and SQLite cannot take it).
MAX_ROW_ID: Final = 2**63 - 1


def row_id(value: object) -> int | None:
    """``value`` as a row's id, or ``None`` when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= MAX_ROW_ID else None


THREAT: Final = ObligationId.DISSEMINATE_THREAT_INFORMATION
