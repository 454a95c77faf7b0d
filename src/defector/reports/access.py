"""Who may see a status report to the IDC (``6d``): whoever may see its case — the post's
committee, its senior US representative, the case's officers, and in Washington the IDC and
the DCI's delegate, each cleared for the case. Who may draft, send and acknowledge one is
decided by the actions (``policy.gates.reports``).

A standing row of the worldwide view (``reports.models.Standing``) follows its case's own rule
on the fields it mirrors (sensitivity, post, Washington's custody; its key is the case's, for
the assigned officers and invited representatives) and the case's compartments."""

from __future__ import annotations

from defector.cases.access import case_content
from defector.core.access import register

register("reports.statusreport", case_content("case__"), compartments="case__compartments")
register("reports.standing", case_content(""), compartments="case__compartments")
