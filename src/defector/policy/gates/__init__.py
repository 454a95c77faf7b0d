"""Gates: the directive's rules that allow or refuse one action, from plain values.

A gate takes plain values (no Django, no I/O) and returns a :class:`~defector.policy.Decision`
whose ``clauses`` name the paragraphs that decided it and whose ``reason`` a person can read.
Actions ask a gate before they change anything and turn a refusal into a ``PolicyRefusal``
that names its clause. One module per area: ``cases``, ``lifecycle``, ``committees``,
``escalations``, and ``free_text`` (no sealed name in unsealed text).
"""
