"""Tests that check the shape of the house (``docs/architecture.md``, "Layers").

- import direction: every module imports only from its own level or below, by the layer
  table that ``docs/architecture.md`` holds (the test reads it there, so the two cannot
  disagree);
- no cycle among core's modules;
- no file in ``src/defector`` over 500 lines (migrations excepted);
- no import inside a function, except in an ``apps.py`` ``ready()`` and in ``cli.py``;
- no ``importlib`` (but ``importlib.resources``, which reads data) and no
  ``except ImportError``;
- no module named after a layer with a suffix (``actions_handling.py``).

Each check runs on the real tree and, planted with the forbidden thing, on a small synthetic
source, to show that it would catch it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SRC = PROJECT / "src" / "defector"
ARCHITECTURE = PROJECT / "docs" / "architecture.md"
MAX_LINES = 500
#: The named layers of every app (``DESIGN.md``, "Layout").
LAYER_NAMES = (
    "models",
    "choices",
    "access",
    "actions",
    "queries",
    "schemas",
    "api",
    "forms",
    "views",
    "urls",
    "apps",
)


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.relative_to(root).parts:
            yield path


def module_name(path: Path, root: Path = SRC) -> str:
    """``src/defector/core/access.py`` -> ``defector.core.access`` (a package: its name)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["defector", *parts])


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --- the layer table ----------------------------------------------------------------------------


def layer_table(text: str) -> dict[str, int]:
    """``{app: level}`` from the markdown table of the "Layers" section of ``text``."""
    match = re.search(r"^## Layers\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert match, "docs/architecture.md has no '## Layers' section"
    levels: dict[str, int] = {}
    for line in match.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].isdigit():
            continue
        for app in re.findall(r"`([a-z_]+)`", cells[1]):
            assert app not in levels, f"{app} is in the layer table twice"
            levels[app] = int(cells[0])
    return levels


LEVELS = layer_table(ARCHITECTURE.read_text(encoding="utf-8"))


def test_the_layer_table_is_read_from_the_architecture_doc() -> None:
    assert LEVELS["policy"] == 0
    assert LEVELS["core"] == 1
    assert LEVELS["core"] < LEVELS["accounts"] < LEVELS["directory"] < LEVELS["cases"]
    assert LEVELS["cases"] < LEVELS["committees"] < LEVELS["notifications"]
    assert LEVELS["notifications"] < LEVELS["escalations"] < LEVELS["web"] == LEVELS["ops"]
    assert LEVELS["escalations"] == LEVELS["dissemination"] == LEVELS["traces"]
    assert LEVELS["traces"] < LEVELS["compliance"] < LEVELS["web"]
    assert LEVELS["api"] == LEVELS["urls"] == LEVELS["cli"] == LEVELS["settings"] == LEVELS["web"]


def test_every_package_and_module_of_the_project_has_a_level() -> None:
    names = {path.stem for path in SRC.glob("*.py") if path.stem != "__init__"}
    names |= {path.name for path in SRC.iterdir() if (path / "__init__.py").is_file()}
    assert sorted(names - set(LEVELS)) == []


def test_the_layer_table_parser_itself() -> None:
    text = (
        "# X\n\n## Layers\n\n| level | apps |\n| --- | --- |\n| 0 | `a` |\n"
        "| 2 | `b`, `c` |\n\n## Next\n| 9 | `d` |\n"
    )
    assert layer_table(text) == {"a": 0, "b": 2, "c": 2}


# --- import direction -------------------------------------------------------------------------


def imported_modules(
    tree: ast.Module, module: str, *, is_package: bool
) -> Iterator[tuple[str, ast.AST]]:
    """Every module ``tree`` imports (top-level and nested), absolute, with its node.

    ``from defector.core import audit`` yields ``defector.core.audit`` (a module or a name in
    one); a relative import is resolved against ``module``.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for alias in node.names:
                yield f"{base}.{alias.name}", node


def level_of(module: str, levels: Mapping[str, int]) -> int | None:
    """The level of a project module (``defector.<app>…``); ``None`` outside the project."""
    parts = module.split(".")
    if parts[0] != "defector" or len(parts) < 2:
        return None
    return levels.get(parts[1], -1)


def upward_imports(
    tree: ast.Module, module: str, levels: Mapping[str, int], *, is_package: bool = False
) -> list[str]:
    """Each import of ``tree`` from a level above ``module``'s (or of an unknown app)."""
    own = level_of(module, levels)
    assert own is not None, f"{module} is not a project module"
    assert own >= 0, f"{module} has no level in the layer table"
    problems = []
    for imported, node in imported_modules(tree, module, is_package=is_package):
        level = level_of(imported, levels)
        if level is None:
            continue
        if level < 0:
            problems.append(f"{module}:{getattr(node, 'lineno', '?')}: {imported} has no level")
        elif level > own:
            problems.append(
                f"{module}:{getattr(node, 'lineno', '?')}: imports {imported} "
                f"(level {level}) from level {own}"
            )
    return problems


def test_no_module_imports_from_a_higher_level() -> None:
    problems = []
    for path in python_files(SRC):
        if path == SRC / "__init__.py":
            continue  # the project package itself imports nothing
        problems += upward_imports(
            parse(path), module_name(path), LEVELS, is_package=path.name == "__init__.py"
        )
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source", "found"),
    [
        ("defector.core.access", "from defector.directory.models import Official", "directory"),
        ("defector.core.access", "def f():\n    from defector.cases import models", "cases"),
        ("defector.core.views.audit", "import defector.api", "defector.api"),
        ("defector.core.demo", "from defector import cases", "defector.cases"),
        ("defector.directory.actions", "from ..cases import actions", "defector.cases"),
        ("defector.cases.models", "if TYPE_CHECKING:\n    from defector.web import x", "web"),
        ("defector.policy.facts", "from defector.core import errors", "defector.core"),
        ("defector.core.access", "from defector.nowhere import x", "has no level"),
        ("defector.cases.actions", "from defector.directory.models import Official", None),
        ("defector.web.views", "from defector.cases import queries", None),
        ("defector.core.audit", "from defector.core import chain, config", None),
        ("defector.core.sealing.keys", "from . import fields", None),
        ("defector.core.access", "import django.db", None),
    ],
    ids=[
        "the direction check catches core importing the directory",
        "the direction check catches a nested import",
        "the direction check catches a plain import of a face",
        "the direction check catches an app imported from the project package",
        "the direction check catches a relative import upwards",
        "the direction check catches an import for type checking",
        "the direction check catches policy importing core",
        "the direction check catches an app with no level",
        "the direction check allows a lower level",
        "the direction check allows a face importing an app",
        "the direction check allows the same level",
        "the direction check allows a sibling module",
        "the direction check ignores third parties",
    ],
)
def test_the_direction_check_itself(module: str, source: str, found: str | None) -> None:
    problems = upward_imports(ast.parse(source), module, LEVELS)
    if found is None:
        assert problems == []
    else:
        assert any(found in problem for problem in problems), problems


# --- no cycle among core's modules ----------------------------------------------------------


def module_graph(modules: Mapping[str, ast.Module], packages: set[str]) -> dict[str, set[str]]:
    """Which of ``modules`` each imports at its top (not for type checking only), counting the
    packages an import runs (``a.b.c`` runs ``a.b`` first) but a module's own packages."""
    graph: dict[str, set[str]] = {}
    for name, tree in modules.items():
        edges: set[str] = set()
        body = [node for node in tree.body if not _type_checking_block(node)]
        for node in body:
            for imported, _ in imported_modules(
                ast.Module(body=[node], type_ignores=[]), name, is_package=name in packages
            ):
                target = imported
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                while target:  # the module, and the packages that run before it
                    if target in modules and target != name and not name.startswith(f"{target}."):
                        edges.add(target)
                    target = target.rpartition(".")[0]
        graph[name] = edges & set(modules)
    return graph


def _type_checking_block(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that lies on one, as a path (depth-first search)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def core_modules() -> tuple[dict[str, ast.Module], set[str]]:
    modules, packages = {}, set()
    for path in python_files(SRC / "core"):
        name = module_name(path)
        modules[name] = parse(path)
        if path.name == "__init__.py":
            packages.add(name)
    return modules, packages


def test_core_has_no_import_cycle() -> None:
    modules, packages = core_modules()
    assert "defector.core.sealing.fields" in modules
    assert cycles(module_graph(modules, packages)) == []


def test_the_cycle_check_itself() -> None:
    planted = {
        "defector.core.audit": ast.parse("from defector.core.sealing import Sealed"),
        "defector.core.sealing": ast.parse("from defector.core.sealing.reveal import reveal"),
        "defector.core.sealing.reveal": ast.parse("from defector.core import audit"),
        "defector.core.chain": ast.parse("import hashlib"),
        "defector.core.signing": ast.parse("from defector.core import chain"),
    }
    found = cycles(module_graph(planted, {"defector.core.sealing"}))
    assert found, "the planted cycle was not found"
    assert "defector.core.audit" in found[0], found
    planted["defector.core.audit"] = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from defector.core import sealing"
    )
    assert cycles(module_graph(planted, {"defector.core.sealing"})) == []


# --- file length ------------------------------------------------------------------------------


def too_long(paths: Iterator[Path], root: Path, limit: int = MAX_LINES) -> list[str]:
    found = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def test_no_source_file_is_over_500_lines() -> None:
    assert too_long(python_files(SRC), PROJECT) == []


def test_the_length_check_itself(tmp_path: Path) -> None:
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    short = tmp_path / "short.py"
    short.write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert too_long(iter([long, short]), tmp_path) == [f"long.py: {MAX_LINES + 1} lines"]


# --- imports inside functions, importlib, except ImportError ------------------------------------


def may_import_inside(path: Path) -> tuple[bool, bool]:
    """(anywhere, in ``ready()`` only): ``cli.py`` may import anywhere, ``apps.py`` in ready."""
    return path.name == "cli.py" and path.parent == SRC, path.name == "apps.py"


def nested_imports(tree: ast.Module, place: str, *, anywhere: bool, in_ready: bool) -> list[str]:
    """Each import inside a function that the house rules do not allow there."""
    if anywhere:
        return []
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if in_ready and node.name == "ready":
            continue
        for inner in node.body:
            for sub in ast.walk(inner):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    problems.append(f"{place}:{sub.lineno}: import inside {node.name}()")
    return sorted(set(problems))


#: What of ``importlib`` may be used: reading a package's data files is not an import.
IMPORTLIB_ALLOWED = frozenset({"importlib.resources"})


def forbidden_machinery(tree: ast.Module, place: str) -> list[str]:
    """``importlib`` (but its ``resources``) and ``except ImportError``: imports are static
    and required."""
    problems = []
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules = [
                f"{base}.{alias.name}" if base == "importlib" else base for alias in node.names
            ]
        for module in modules:
            allowed = any(module == ok or module.startswith(f"{ok}.") for ok in IMPORTLIB_ALLOWED)
            if module.split(".")[0] == "importlib" and not allowed:
                problems.append(f"{place}:{getattr(node, 'lineno', '?')}: imports {module}")
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = {
                sub.id if isinstance(sub, ast.Name) else sub.attr
                for sub in ast.walk(node.type)
                if isinstance(sub, ast.Name | ast.Attribute)
            }
            if caught & {"ImportError", "ModuleNotFoundError"}:
                problems.append(f"{place}:{node.lineno}: catches ImportError")
    return problems


def test_no_import_inside_a_function() -> None:
    problems = []
    for path in python_files(SRC):
        anywhere, in_ready = may_import_inside(path)
        place = str(path.relative_to(PROJECT))
        problems += nested_imports(parse(path), place, anywhere=anywhere, in_ready=in_ready)
    assert problems == []


def test_no_importlib_and_no_optional_import() -> None:
    problems = []
    for path in python_files(SRC):
        problems += forbidden_machinery(parse(path), str(path.relative_to(PROJECT)))
    assert problems == []


@pytest.mark.parametrize(
    ("source", "in_ready", "found"),
    [
        ("def f():\n    from defector.core import audit", False, "import inside f()"),
        ("def f():\n    import json", False, "import inside f()"),
        ("class C:\n    def g(self):\n        if x:\n            import os", False, "inside g()"),
        ("class A:\n    def ready(self):\n        from . import signals", False, "ready()"),
        ("class A:\n    def ready(self):\n        from . import signals", True, None),
        ("def check():\n    import psycopg", True, "inside check()"),
        ("import json\n\ndef f():\n    return json", False, None),
    ],
    ids=[
        "the nested-import check catches a project import in a function",
        "the nested-import check catches a standard import in a function",
        "the nested-import check catches an import in a method's branch",
        "the nested-import check catches ready() outside apps.py",
        "the nested-import check allows ready() in apps.py",
        "the nested-import check catches another function of apps.py",
        "the nested-import check allows a top-level import",
    ],
)
def test_the_nested_import_check_itself(source: str, in_ready: bool, found: str | None) -> None:
    problems = nested_imports(ast.parse(source), "probe.py", anywhere=False, in_ready=in_ready)
    if found is None:
        assert problems == []
    else:
        assert any(found in problem for problem in problems), problems


def test_cli_may_import_inside_its_functions() -> None:
    assert may_import_inside(SRC / "cli.py") == (True, False)
    assert may_import_inside(SRC / "core" / "apps.py") == (False, True)
    assert may_import_inside(SRC / "core" / "cli.py") == (False, False)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import importlib", "imports importlib"),
        ("from importlib import import_module", "imports importlib.import_module"),
        ("import importlib.util", "imports importlib.util"),
        ("from importlib.util import find_spec", "imports importlib.util"),
        ("from importlib import resources", None),
        ("import importlib.resources", None),
        ("try:\n    import x\nexcept ImportError:\n    x = None", "catches ImportError"),
        ("try:\n    import x\nexcept (OSError, ModuleNotFoundError):\n    pass", "catches"),
        ("try:\n    f()\nexcept ValueError:\n    pass", None),
    ],
    ids=[
        "the machinery check catches import importlib",
        "the machinery check catches from importlib",
        "the machinery check catches importlib.util",
        "the machinery check catches from importlib.util",
        "the machinery check allows reading package data",
        "the machinery check allows importlib.resources",
        "the machinery check catches except ImportError",
        "the machinery check catches ModuleNotFoundError in a tuple",
        "the machinery check allows other exceptions",
    ],
)
def test_the_machinery_check_itself(source: str, found: str | None) -> None:
    problems = forbidden_machinery(ast.parse(source), "probe.py")
    if found is None:
        assert problems == []
    else:
        assert any(found in problem for problem in problems), problems


# --- no module named by suffix ------------------------------------------------------------------

SUFFIXED = re.compile(rf"(?:{'|'.join(LAYER_NAMES)})_\w+\.py|\w+_(?:handling|determination)\.py")


def suffixed_modules(paths: Iterator[Path]) -> list[str]:
    """Modules named ``<layer>_<something>.py`` (a layer grows into a package instead)."""
    return [str(path.relative_to(SRC)) for path in paths if SUFFIXED.fullmatch(path.name)]


def test_no_module_is_named_by_suffix() -> None:
    assert suffixed_modules(python_files(SRC)) == []


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("cases/actions_handling.py", True),
        ("cases/queries_determination.py", True),
        ("cases/views_handling.py", True),
        ("cases/api_determination.py", True),
        ("cases/forms_handling.py", True),
        ("cases/rules_determination.py", True),
        ("cases/actions/handling.py", False),
        ("cases/actions.py", False),
        ("directory/management/commands/import_directory.py", False),
        ("core/management/commands/rotate_keys.py", False),
    ],
)
def test_the_suffix_check_itself(name: str, flagged: bool) -> None:
    assert suffixed_modules(iter([SRC / name])) == ([name] if flagged else [])
