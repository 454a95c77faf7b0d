"""Tests that check the project's conventions (``CONVENTIONS.md``, ``DESIGN.md``).

- the policy package is pure: no Django, no other project app, no I/O, no clock;
- the citation registry and the directive's text name the same clauses, and every clause key
  the code cites is in the registry;
- no views or API module (``views.py``, ``api.py``, ``views_*.py``, ``api_*.py``, a
  ``views/`` or ``api/`` package) touches the ORM (reads go through ``queries``, writes through
  ``actions``);
- migrations: unique number prefixes per app, descriptive names, none missing.

Every exemption carries a written reason, and an exemption that is no longer needed fails.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from defector import policy
from defector.policy.citations import UnknownClauseError
from support.require import skip_or_fail

PROJECT = Path(__file__).resolve().parents[2]
SRC = PROJECT / "src" / "defector"
POLICY = SRC / "policy"
DIRECTIVE = PROJECT.parent / "shared" / "directive" / "dcid-4-21.md"
CLAUSE_KEY = re.compile(r"[0-9][a-z]?(\([0-9]+\))?(\([a-z]\))?")


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def shown(path: Path) -> str:
    return str(path.relative_to(PROJECT))


def where(place: str, node: ast.AST) -> str:
    return f"{place}:{getattr(node, 'lineno', '?')}"


# --- the policy package is pure ----------------------------------------------------------

#: Modules the policy package may not import, and why.
FORBIDDEN_MODULES = {
    "django": "policy imports no framework; the layers above it adapt Django to it",
    "os": "environment and file system are I/O",
    "sys": "standard streams, argv and interpreter state are I/O",
    "pathlib": "file system access is I/O",
    "io": "streams are I/O",
    "shutil": "file system access is I/O",
    "tempfile": "file system access is I/O",
    "subprocess": "running programs is I/O",
    "socket": "network access is I/O",
    "http": "network access is I/O",
    "urllib": "network access is I/O",
    "requests": "network access is I/O",
    "sqlite3": "database access is I/O",
    "logging": "a decision explains itself in its return value; callers log it",
    "time": "reading the clock makes a decision depend on when it ran",
    "random": "a decision must be a function of its input",
    "secrets": "a decision must be a function of its input",
}
#: What the policy package may import at all: the standard library (less the modules above).
ALLOWED_MODULES = frozenset(sys.stdlib_module_names) | {"__future__"}
#: Built-in functions the policy package may not call, and why.
FORBIDDEN_BUILTINS = {
    "open": "file access is I/O",
    "print": "writing to standard output is I/O",
    "input": "reading standard input is I/O",
    "eval": "policy is plain code, not evaluated text",
    "exec": "policy is plain code, not executed text",
    "__import__": "imports are static so that this test can see them",
    "breakpoint": "a debugger hook left in a decision",
}
#: Attribute names the policy package may not use, and why (the caller passes today).
FORBIDDEN_ATTRIBUTES = {
    "today": "date.today() reads the clock; parse_facts takes today from its caller",
    "now": "datetime.now() reads the clock",
    "utcnow": "datetime.utcnow() reads the clock (and is naive)",
    "localdate": "timezone.localdate() reads the clock",
    "environ": "os.environ is configuration read at run time",
}


def policy_impurities(tree: ast.Module, place: str, depth: int = 1) -> list[str]:
    """What makes one policy module impure, each with its line and the reason. ``depth`` is
    how deep the module lies in the package (1 for ``policy/facts.py``, 2 for
    ``policy/gates/cases.py``): a relative import may climb no higher than the package."""
    problems: list[str] = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > depth:
                problems.append(f"{where(place, node)}: relative import above the policy package")
            if node.level == 0 and node.module == "defector":
                modules = [f"defector.{alias.name}" for alias in node.names]
            elif node.level == 0 and node.module:
                modules = [node.module]
        for module in modules:
            top = module.split(".")[0]
            if top not in ALLOWED_MODULES and top != "defector":
                problems.append(
                    f"{where(place, node)}: imports {module} (policy imports only the standard "
                    "library: no framework, no third-party package)"
                )
            if top in FORBIDDEN_MODULES:
                problems.append(
                    f"{where(place, node)}: imports {module} ({FORBIDDEN_MODULES[top]})"
                )
            if top == "defector" and not (
                module == "defector.policy" or module.startswith("defector.policy.")
            ):
                problems.append(
                    f"{where(place, node)}: imports {module} (policy imports no other project app)"
                )
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORBIDDEN_BUILTINS
        ):
            reason = FORBIDDEN_BUILTINS[node.func.id]
            problems.append(f"{where(place, node)}: calls {node.func.id}() ({reason})")
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            reason = FORBIDDEN_ATTRIBUTES[node.attr]
            problems.append(f"{where(place, node)}: uses .{node.attr} ({reason})")
    return problems


POLICY_FILES = sorted(path for path in POLICY.rglob("*.py"))


def test_the_policy_package_has_files_to_check() -> None:
    assert POLICY / "gates" / "__init__.py" in POLICY_FILES  # the gates are checked too
    names = {path.name for path in POLICY_FILES}
    assert {"facts.py", "definitions.py", "scope.py", "obligations.py", "assessment.py"} <= names


@pytest.mark.parametrize(
    "path",
    POLICY_FILES,
    ids=lambda path: f"policy/{path.relative_to(POLICY)} imports no framework and does no I/O",
)
def test_the_policy_package_is_pure(path: Path) -> None:
    depth = len(path.relative_to(POLICY).parts)
    assert policy_impurities(parse(path), shown(path), depth) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from django.db.models import Q", "imports django.db.models"),
        ("from ninja import Schema", "no third-party package"),
        ("import django_otp", "no third-party package"),
        ("from defector.core.errors import PolicyRefusal", "imports defector.core.errors"),
        ("from ... import core", "relative import above"),
        ("import logging", "imports logging"),
        ("from ..decisions import Decision", None),
        ("from defector.policy.decisions import Decision", None),
        ("from . import cases", None),
    ],
    ids=[
        "a gate may not import django",
        "a gate may not import a third-party web stack",
        "a gate may not import a django add-on",
        "a gate may not import core",
        "a gate may not climb out of the policy package",
        "a gate may not log",
        "a gate may import policy's decisions relatively",
        "a gate may import policy's decisions absolutely",
        "a gate may import a sibling gate",
    ],
)
def test_the_purity_check_covers_the_gates(source: str, found: str | None) -> None:
    problems = policy_impurities(ast.parse(source), "policy/gates/probe.py", depth=2)
    if found is None:
        assert problems == []
    else:
        assert any(found in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import django.db", "imports django.db"),
        ("from django.utils import timezone", "imports django.utils"),
        ("from defector.core import errors", "imports defector.core"),
        ("from defector import cases", "imports defector.cases"),
        ("from .. import api", "relative import above"),
        ("import os", "imports os"),
        ("from pathlib import Path", "imports pathlib"),
        ("import subprocess", "imports subprocess"),
        ("import urllib.request", "imports urllib.request"),
        ("x = open('f')", "calls open()"),
        ("import datetime as dt\nx = dt.date.today()", "uses .today"),
        ("import datetime as dt\nx = dt.datetime.now()", "uses .now"),
        ("from defector.policy import facts", None),
        ("from . import facts", None),
        ("from defector import policy", None),
        ("import datetime as dt\nx = dt.date(1976, 5, 18)", None),
    ],
    ids=[
        "the purity check catches a django import",
        "the purity check catches a from-django import",
        "the purity check catches another project app",
        "the purity check catches a project app imported from the package",
        "the purity check catches a relative import out of policy",
        "the purity check catches os",
        "the purity check catches pathlib",
        "the purity check catches subprocess",
        "the purity check catches urllib",
        "the purity check catches open()",
        "the purity check catches date.today()",
        "the purity check catches datetime.now()",
        "the purity check allows policy's own modules",
        "the purity check allows a sibling import",
        "the purity check allows importing the policy package itself",
        "the purity check allows building a date",
    ],
)
def test_the_purity_check_itself(source: str, found: str | None) -> None:
    problems = policy_impurities(ast.parse(source), "policy/probe.py")
    if found is None:
        assert problems == []
    else:
        assert any(found in problem for problem in problems), problems


# --- the citation registry ------------------------------------------------------------------


def directive_keys() -> set[str]:
    if not DIRECTIVE.is_file():
        skip_or_fail("shared", f"the directive's text {DIRECTIVE} is missing")
    text = DIRECTIVE.read_text(encoding="utf-8")
    return {token for token in re.findall(r"`([^`]+)`", text) if CLAUSE_KEY.fullmatch(token)}


def test_every_registered_clause_is_in_the_directive() -> None:
    keys = directive_keys()
    assert sorted(set(policy.CLAUSES) - keys) == []


def test_every_clause_of_the_directive_is_registered() -> None:
    keys = directive_keys()
    assert keys, "no clause keys found in the directive's text"
    assert sorted(keys - set(policy.CLAUSES)) == []


def test_every_registered_key_is_well_formed() -> None:
    for key, clause in policy.CLAUSES.items():
        assert CLAUSE_KEY.fullmatch(key), key
        assert clause.key == key
        assert clause.title
        assert clause.text


def test_citing_an_unknown_clause_fails() -> None:
    with pytest.raises(UnknownClauseError):
        policy.cite("2g")
    assert policy.cite("6b(3)(c)") == "6b(3)(c)"


#: Call names whose first positional argument is a clause key.
FIRST_ARG_IS_CLAUSE = {"cite", "Finding"}
#: Call names whose second positional argument is a clause key.
SECOND_ARG_IS_CLAUSE = {"ObligationRule"}
#: ``Decision.allow(*clauses, reason=...)`` and ``Decision.deny(...)``.
ALL_ARGS_ARE_CLAUSES = {"allow", "deny"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _strings(node: ast.expr) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [item for element in node.elts for item in _strings(element)]
    return []


def cited_keys(tree: ast.Module, place: str) -> list[tuple[str, str]]:
    """Every (clause key, place) the module cites in a known call position."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        constants: list[ast.Constant] = []
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in FIRST_ARG_IS_CLAUSE and node.args:
                constants += _strings(node.args[0])
            if name in SECOND_ARG_IS_CLAUSE and len(node.args) > 1:
                constants += _strings(node.args[1])
            is_decision = (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Decision"
            )
            if name in ALL_ARGS_ARE_CLAUSES and is_decision:
                for arg in node.args:
                    constants += _strings(arg)
            for keyword in node.keywords:
                if keyword.arg in {"clause", "clauses"}:
                    constants += _strings(keyword.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = any(
                isinstance(t, ast.Name) and t.id.endswith(("_CLAUSE", "_CLAUSES")) for t in targets
            )
            if named and isinstance(node.value, ast.Dict):
                for value in node.value.values:
                    constants += _strings(value)
        found += [(constant.value, where(place, constant)) for constant in constants]
    return found


def all_cited_keys() -> list[tuple[str, str]]:
    return [pair for path in python_files(SRC) for pair in cited_keys(parse(path), shown(path))]


def test_the_code_cites_clauses_where_this_test_looks() -> None:
    keys = {key for key, _ in all_cited_keys()}
    # The definitions, scope and obligations cite these; if none is found the scan is broken.
    assert {"1", "2a", "2c", "2d", "2e", "2f", "3", "6b(3)(a)", "5a(1)", "7a"} <= keys


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        ('cite("6b(3)(c)")', ["6b(3)(c)"]),
        ('Finding("2g", True, "x")', ["2g"]),
        ('Finding(clause="2f", holds=True, because="x")', ["2f"]),
        ('ObligationRule(ObligationId.X, "6z", "t", "w", f)', ["6z"]),
        ('Decision.allow("2a", "7a", reason="r")', ["2a", "7a"]),
        ('Decision.deny("5a(4)", reason="r")', ["5a(4)"]),
        ('raise PolicyRefusal("no", clauses=("6f", "5a(6)"))', ["6f", "5a(6)"]),
        ('CATEGORY_CLAUSE = {"defector": "2a"}', ["2a"]),
        ("cite(key)", []),
        ('throttle.allow("2a")', []),
    ],
    ids=[
        "the scan finds a cite() argument",
        "the scan finds a Finding's clause",
        "the scan finds a Finding's clause keyword",
        "the scan finds an obligation rule's clause",
        "the scan finds every clause of Decision.allow",
        "the scan finds the clause of Decision.deny",
        "the scan finds clauses= of a domain error",
        "the scan finds the values of a clause map",
        "the scan ignores a computed key",
        "the scan ignores allow() of something other than Decision",
    ],
)
def test_the_citation_scan_itself(source: str, keys: list[str]) -> None:
    assert [key for key, _ in cited_keys(ast.parse(source), "probe.py")] == keys


def test_every_clause_the_code_cites_is_in_the_registry() -> None:
    unknown = [f"{place}: {key!r}" for key, place in all_cited_keys() if key not in policy.CLAUSES]
    assert unknown == []


# --- views and API endpoints do not touch the ORM -------------------------------------------

ORM_WRITES = {"save", "delete", "update", "create", "bulk_create", "bulk_update"} | {
    "get_or_create",
    "update_or_create",
}
#: (path relative to the project, what is found) -> why it is allowed. Each entry needs a
#: reason a reviewer accepts; an entry that no longer matches anything fails below.
ORM_EXEMPTIONS: dict[tuple[str, str], str] = {
    ("src/defector/web/views.py", "context.update()"): (
        "AssessView.post merges the assessment into its template context, a plain dict"
    ),
}


def orm_uses(tree: ast.Module, place: str) -> list[tuple[str, str]]:
    """(kind, place) for each ORM use in a views or API module."""
    uses: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            uses.append((".objects", where(place, node)))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ORM_WRITES
        ):
            receiver = ast.unparse(node.func.value)
            uses.append((f"{receiver}.{node.func.attr}()", where(place, node)))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[-1] == "models":
                    uses.append((f"import {alias.name}", where(place, node)))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[-1] == "models":
                uses.append((f"from {module} import", where(place, node)))
            for alias in node.names:
                if alias.name == "models":
                    uses.append((f"from {module} import models", where(place, node)))
    return uses


#: The modules that hold views or API endpoints: ``views.py`` and ``api.py``, the split ones
#: (``views_handling.py``, ``api_determination.py``, …) and any ``views/`` or ``api/`` package.
VIEW_AND_API_NAME = re.compile(r"(views|api)(_\w+)?\.py")


def is_view_or_api_module(path: Path) -> bool:
    inside = path.relative_to(SRC).parts[:-1]
    return bool(VIEW_AND_API_NAME.fullmatch(path.name)) or bool({"views", "api"} & set(inside))


def views_and_api_modules() -> list[Path]:
    return [path for path in python_files(SRC) if is_view_or_api_module(path)]


def test_the_orm_check_finds_the_api_modules() -> None:
    found = {str(path.relative_to(PROJECT)) for path in views_and_api_modules()}
    assert {"src/defector/api.py", "src/defector/web/api.py"} <= found


@pytest.mark.parametrize(
    ("name", "checked"),
    [
        ("cases/views.py", True),
        ("cases/api.py", True),
        ("cases/views_handling.py", True),
        ("cases/api_determination.py", True),
        ("cases/views/detail.py", True),
        ("cases/api/__init__.py", True),
        ("cases/queries_views.py", False),
        ("cases/viewset.py", False),
        ("cases/actions_api.py", False),
    ],
)
def test_the_orm_check_finds_split_views_and_api_modules(name: str, checked: bool) -> None:
    assert is_view_or_api_module(SRC / name) is checked


def test_views_and_api_endpoints_do_not_touch_the_orm() -> None:
    offending = []
    for path in views_and_api_modules():
        relative = shown(path)
        for kind, place in orm_uses(parse(path), relative):
            if (relative, kind) not in ORM_EXEMPTIONS:
                offending.append(f"{place}: {kind} (use the app's queries.py or actions.py)")
    assert offending == []


def test_every_orm_exemption_is_still_needed_and_has_a_reason() -> None:
    for (relative, kind), reason in ORM_EXEMPTIONS.items():
        assert reason.strip(), f"exemption {relative} {kind} has no reason"
        uses = {k for k, _ in orm_uses(parse(PROJECT / relative), relative)}
        assert kind in uses, f"exemption {relative} {kind} is no longer needed; remove it"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("Case.objects.filter(pk=1)", ".objects"),
        ("case.save()", "case.save()"),
        ("case.delete()", "case.delete()"),
        ("qs.update(status='x')", "qs.update()"),
        ("Case.objects.create(name='x')", "Case.objects.create()"),
        ("from defector.cases.models import Case", "from defector.cases.models import"),
        ("from defector.cases import models", "from defector.cases import models"),
        ("import defector.cases.models", "import defector.cases.models"),
    ],
    ids=[
        "the ORM check catches .objects",
        "the ORM check catches .save()",
        "the ORM check catches .delete()",
        "the ORM check catches .update()",
        "the ORM check catches .create()",
        "the ORM check catches importing from a models module",
        "the ORM check catches importing a models module",
        "the ORM check catches a plain import of a models module",
    ],
)
def test_the_orm_check_itself(source: str, kind: str) -> None:
    assert kind in {found for found, _ in orm_uses(ast.parse(source), "views.py")}


# --- migrations -------------------------------------------------------------------------------

MIGRATION = re.compile(r"([0-9]{4})_([a-z0-9_]+)\.py")


def migration_dirs() -> list[Path]:
    return sorted(path for path in SRC.glob("*/migrations") if path.is_dir())


def test_there_are_migrations_to_check() -> None:
    assert SRC / "core" / "migrations" in migration_dirs()


@pytest.mark.parametrize(
    "directory",
    migration_dirs(),
    ids=lambda path: f"no two {path.parent.name} migrations share a number",
)
def test_no_two_migrations_in_one_app_share_a_number(directory: Path) -> None:
    numbers: dict[str, list[str]] = {}
    for path in directory.glob("*.py"):
        match = MIGRATION.fullmatch(path.name)
        if match:
            numbers.setdefault(match.group(1), []).append(path.name)
    clashes = {number: names for number, names in numbers.items() if len(names) > 1}
    assert clashes == {}


@pytest.mark.parametrize(
    "directory",
    migration_dirs(),
    ids=lambda path: f"the {path.parent.name} migrations have descriptive names",
)
def test_migrations_have_descriptive_names(directory: Path) -> None:
    for path in directory.glob("*.py"):
        if path.name == "__init__.py":
            continue
        match = MIGRATION.fullmatch(path.name)
        assert match, f"{path.name} is not NNNN_name.py"
        assert not match.group(2).startswith("auto_"), (
            f"{path.name}: name it with makemigrations -n <what_it_does>"
        )


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # makemigrations --check exits 1 when one is missing
        pytest.fail(f"missing migrations (exit {exit_.code}):\n{out.getvalue()}")
