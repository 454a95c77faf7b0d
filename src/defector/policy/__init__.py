"""The directive as executable policy: pure Python, no Django, no I/O, no other project app.

Every decision here carries the clause keys of DCID No. 4/21 that produced it and a one-line
reason a person can read. The public surface:

- :func:`assess` and :class:`Outcome` — the assessment contract;
- :func:`parse_facts`, :class:`Facts`, :class:`FactsInvalid` — its one input validator;
- :mod:`~defector.policy.citations` — the clause registry (:func:`cite`);
- :mod:`~defector.policy.countries`, :mod:`~defector.policy.versions`,
  :mod:`~defector.policy.obligations` — the data the rules stand on.
"""

from defector.policy.assessment import Outcome, assess
from defector.policy.citations import CLAUSES, Clause, cite
from defector.policy.decisions import Decision, Finding
from defector.policy.definitions import Category
from defector.policy.facts import Facts, FactsInvalid, FieldError, parse_facts
from defector.policy.obligations import OBLIGATIONS, ObligationId
from defector.policy.versions import POLICY_VERSION

__all__ = [
    "CLAUSES",
    "OBLIGATIONS",
    "POLICY_VERSION",
    "Category",
    "Clause",
    "Decision",
    "Facts",
    "FactsInvalid",
    "FieldError",
    "Finding",
    "ObligationId",
    "Outcome",
    "assess",
    "cite",
    "parse_facts",
]
