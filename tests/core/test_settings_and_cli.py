"""Settings modes, secrets, the committed OpenAPI document, and the `defector` command."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve

from defector.core import config
from defector.web.views import server_error

ROOT = Path(__file__).resolve().parents[2]
DEFECTOR = Path(sys.executable).parent / "defector"


def run_defector(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DEFECTOR_")}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(DEFECTOR), *args], env={**base, **env}, capture_output=True, text=True, check=False
    )


def production_env(state_dir: Path) -> dict[str, str]:
    return {
        "DEFECTOR_ENV": "production",
        "DEFECTOR_SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-0123456789",
        "DEFECTOR_ALLOWED_HOSTS": "defector.example.gov",
        "DEFECTOR_STATE_DIR": str(state_dir),
    }


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    collected = run_defector("collectstatic", "--noinput", env=production_env(tmp_path))
    assert collected.returncode == 0, collected.stderr
    result = run_defector(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checks_fail_in_production_without_the_collected_static_files(
    tmp_path: Path,
) -> None:
    result = run_defector(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path)
    )
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert "collectstatic" in result.stderr


def test_the_500_page_renders_in_production_without_the_collected_static_files(
    tmp_path: Path, settings: Any
) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "defector.web.staticfiles.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_defector(
        "check",
        env={
            "DEFECTOR_ENV": "production",
            "DEFECTOR_ALLOWED_HOSTS": "defector.example.gov",
            "DEFECTOR_STATE_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "DEFECTOR_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_creates_a_private_secret_key_file_once(tmp_path: Path) -> None:
    first = run_defector("check", env={"DEFECTOR_STATE_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key.strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    run_defector("check", env={"DEFECTOR_STATE_DIR": str(tmp_path)})
    assert key_file.read_text() == key


def test_an_unknown_environment_name_is_refused(tmp_path: Path) -> None:
    result = run_defector(
        "check", env={"DEFECTOR_ENV": "staging", "DEFECTOR_STATE_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "DEFECTOR_ENV must be development or production" in result.stderr


def test_help_lists_every_project_command(tmp_path: Path) -> None:
    result = run_defector("--help", env={"DEFECTOR_STATE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for command in (
        "assess",
        "serve",
        "demo",
        "createuser",
        "token",
        "export-openapi",
        "audit",
        "rotate-keys",
        "import-directory",
    ):
        assert f"  {command}" in result.stdout
    assert "migrate" in result.stdout


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        ("postgres://u:p%40ss@db.example:5433/cases", "postgresql", "cases"),
        ("postgresql://u@127.0.0.1/cases?sslmode=require", "postgresql", "cases"),
        ("sqlite:////srv/x.sqlite3", "sqlite", "/srv/x.sqlite3"),
        ("sqlite:///var/x.sqlite3", "sqlite", str(config.PROJECT_ROOT / "var/x.sqlite3")),
    ],
    ids=[
        "a postgres url gives its name, user and escaped password",
        "a postgresql url keeps its query options",
        "four slashes make an absolute sqlite path",
        "three slashes make a sqlite path from the project root",
    ],
)
def test_database_url_is_translated_to_django_settings(url: str, engine: str, name: str) -> None:
    database = config.database_from_url(url)
    assert str(database["ENGINE"]).endswith(engine)
    assert database["NAME"] == name
    if "p%40ss" in url:
        assert database["PASSWORD"] == "p@ss"
        assert database["PORT"] == "5433"
    if "sslmode" in url:
        assert database["OPTIONS"] == {"sslmode": "require"}


def test_an_unsupported_database_url_is_refused() -> None:
    with pytest.raises(config.ConfigurationError, match="not supported"):
        config.database_from_url("mysql://localhost/db")


def test_the_committed_openapi_document_is_current() -> None:
    from defector.ops.management.commands.export_openapi import openapi_text

    committed = (ROOT / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_text(), "openapi.json is stale: run `make openapi`"


def test_no_two_api_schemas_share_a_name() -> None:
    """The OpenAPI document names schemas by class name; two classes with one name would
    leave one of them documenting both, and clients would read the wrong shape."""
    import importlib
    import pkgutil
    from collections import defaultdict

    from ninja import Schema

    import defector

    seen: dict[str, set[str]] = defaultdict(set)
    for module_info in pkgutil.walk_packages(defector.__path__, "defector."):
        if "schemas" not in module_info.name.rsplit(".", 1)[-1]:
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                seen[name].add(module.__name__)
    clashes = {name: sorted(where) for name, where in seen.items() if len(where) > 1}
    assert clashes == {}


# --- the published API document is the served one, and every path in it is answered ------------

SAMPLE_PATH_PARAMETER = re.compile(r"\{[a-z_]+\}")


def unanswered(document: dict[str, Any]) -> list[str]:
    """The documented operations the URL configuration does not route to the API: each path,
    with ``1`` for its parameters, must resolve into the API's namespace, and the API must
    take the documented method there (an anonymous call answers 401, not 404 or 405)."""
    client = Client()
    found = []
    for template, operations in sorted(document["paths"].items()):
        path = SAMPLE_PATH_PARAMETER.sub("1", template)
        try:
            match = resolve(path)
        except Resolver404:
            found.append(f"{template}: does not resolve")
            continue
        if match.namespace != "api":
            found.append(f"{template}: resolves outside the API ({match.view_name})")
            continue
        for method in operations:
            status = client.generic(method.upper(), path).status_code
            if status in {404, 405}:
                found.append(f"{method.upper()} {template}: answers {status}")
    return found


def test_the_committed_openapi_document_is_the_one_the_server_serves() -> None:
    committed = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == committed, "openapi.json is stale: run `make openapi`"


@pytest.mark.django_db
def test_every_documented_path_resolves_and_takes_its_method() -> None:
    document = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    assert len(document["paths"]) > 50
    assert unanswered(document) == []


@pytest.mark.django_db
def test_a_documented_path_missing_its_slash_is_found_unanswered() -> None:
    planted = {
        "paths": {
            "/api/v1cases/{case_id}/tasks": {"get": {}},
            "/api/v1/cases/{case_id}/tasks": {"get": {}, "put": {}},
            "/audit/": {"get": {}},
        }
    }
    assert unanswered(planted) == [
        "PUT /api/v1/cases/{case_id}/tasks: answers 405",
        "/api/v1cases/{case_id}/tasks: does not resolve",
        "/audit/: resolves outside the API (audit:index)",
    ]


def test_a_sqlite_database_and_its_wal_files_are_created_private(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    path = tmp_path / "state" / "defector.sqlite3"
    path.parent.mkdir()
    handler = ConnectionHandler({"default": config.sqlite_database(path)})
    connection = handler["default"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
        modes = {file.name: stat.S_IMODE(file.stat().st_mode) for file in path.parent.iterdir()}
    finally:
        connection.close()
    assert set(modes) == {"defector.sqlite3", "defector.sqlite3-wal", "defector.sqlite3-shm"}
    assert set(modes.values()) == {0o600}, {name: oct(mode) for name, mode in modes.items()}


@pytest.mark.parametrize(
    ("cache_mb", "mmap_mb", "cache_size", "mmap_size"),
    [("", "", -2000, 0), ("64", "", -65536, 0), ("", "256", -2000, 256 * 1024 * 1024)],
)
def test_a_sqlite_connection_s_page_cache_and_memory_mapping_are_set_when_asked(
    tmp_path: Path,
    django_db_blocker: Any,
    monkeypatch: pytest.MonkeyPatch,
    cache_mb: str,
    mmap_mb: str,
    cache_size: int,
    mmap_size: int,
) -> None:
    monkeypatch.setenv("DEFECTOR_SQLITE_CACHE_MB", cache_mb)
    monkeypatch.setenv("DEFECTOR_SQLITE_MMAP_MB", mmap_mb)
    handler = ConnectionHandler({"default": config.sqlite_database(tmp_path / "db.sqlite3")})
    connection = handler["default"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            got = [
                cursor.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("cache_size", "mmap_size", "journal_mode", "foreign_keys")
            ]
    finally:
        connection.close()
    assert got == [cache_size, mmap_size, "wal", 1]


def test_a_negative_sqlite_cache_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFECTOR_SQLITE_CACHE_MB", "-1")
    with pytest.raises(config.ConfigurationError):
        config.sqlite_pragmas()


def test_uploaded_files_are_stored_private(settings: Any) -> None:
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_audit_verify_runs_without_the_applications_and_says_so_on_an_unmigrated_database(
    tmp_path: Path,
) -> None:
    # `defector audit verify` reads with raw SQL and sets up no application (`defector.cli`):
    # on a database never migrated it exits 2 with a clear message, not a traceback.
    done = run_defector("audit", "verify", env={"DEFECTOR_STATE_DIR": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert "cannot read the audit chain" in done.stderr
    assert "defector migrate" in done.stderr
    assert "Traceback" not in done.stderr
