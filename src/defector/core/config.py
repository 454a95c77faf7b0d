"""Reading the deployment's configuration: the environment, and secret files under ``var/``.

Plain Python (no Django) so that ``settings.py`` can use it before Django is configured.
Secrets never live in the settings module or the database: they come from an environment
variable or from a file under the state directory (``var/`` by default), which development
mode creates on first use and which git ignores.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class ConfigurationError(RuntimeError):
    """The deployment's configuration is missing or malformed."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def state_dir() -> Path:
    """The directory holding the SQLite database and secret files (``var/`` by default)."""
    return Path(env_str("DEFECTOR_STATE_DIR", str(PROJECT_ROOT / "var"))).resolve()


def read_secret(env_name: str, file_name: str, *, create: bool, length: int = 64) -> str:
    """Return a secret from ``env_name`` or from ``<state dir>/<file_name>``.

    With ``create`` (development mode), a missing file is generated with ``length`` random
    URL-safe characters and mode 0600. Without it, a missing secret is an error.
    """
    value = os.environ.get(env_name)
    if value:
        return value
    path = state_dir() / file_name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    if not create:
        raise ConfigurationError(f"secret missing: set {env_name} or create {path} (mode 0600)")
    return create_secret_file(path, secrets.token_urlsafe(length)[:length])


def create_secret_file(path: Path, value: str) -> str:
    """Write ``value`` to a new file at ``path`` (mode 0600) and return it; if another process
    created the file first, return what that file holds instead.

    A private temporary file is written and then linked into place: the link either creates
    the whole file or fails because another process made one first, whose secret then wins.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
    finally:
        temporary.unlink(missing_ok=True)
    return value


#: The mode of every file of the state directory that holds secrets or case data.
PRIVATE_FILE_MODE = 0o600
#: The files SQLite keeps beside a database in WAL mode.
SQLITE_SIDE_FILES = ("-wal", "-shm")


def keep_sqlite_files_private(sender: object, connection: Any, **kwargs: object) -> None:
    """On each new connection to a SQLite file, make it and its ``-wal``/``-shm`` files 0600.

    SQLite creates a database 0644 (less the umask); its WAL files take the database's mode,
    so once the database is private, the WAL files it creates later are too. Connected to
    ``connection_created`` by the core app.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    database = Path(name)
    for path in (database, *(database.with_name(database.name + s) for s in SQLITE_SIDE_FILES)):
        try:
            if path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
                path.chmod(PRIVATE_FILE_MODE)
        except FileNotFoundError:
            continue


def database_from_url(url: str) -> dict[str, object]:
    """Translate a ``DATABASE_URL`` into a Django ``DATABASES`` entry.

    Supported: ``postgres://``/``postgresql://user:pass@host:port/name?sslmode=...``,
    ``sqlite:////absolute/path`` and ``sqlite:///path/from/the/project/root``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigurationError("DATABASE_URL names no database")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": env_int("DEFECTOR_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if scheme == "sqlite":
        raw_path = unquote(parts.path)
        # sqlite:////abs/path is absolute; sqlite:///rel/path is relative to the project.
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        return sqlite_database(path)
    raise ConfigurationError(f"DATABASE_URL scheme {scheme!r} is not supported")


def sqlite_pragmas() -> str:
    """The pragmas each new SQLite connection runs (``init_command``): WAL, its syncs, foreign
    keys; and, when set, the connection's page cache (``DEFECTOR_SQLITE_CACHE_MB``, in MiB;
    SQLite's default is 2 MB) and the part of the database file read through memory mapping
    (``DEFECTOR_SQLITE_MMAP_MB``, in MiB; SQLite's default is none). See docs/operations.md."""
    pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
    cache_mb = env_int("DEFECTOR_SQLITE_CACHE_MB", 0)
    mmap_mb = env_int("DEFECTOR_SQLITE_MMAP_MB", 0)
    if cache_mb < 0 or mmap_mb < 0:
        raise ConfigurationError("DEFECTOR_SQLITE_CACHE_MB and DEFECTOR_SQLITE_MMAP_MB are MiB")
    if cache_mb:
        pragmas += f" PRAGMA cache_size=-{cache_mb * 1024};"  # negative: in KiB
    if mmap_mb:
        pragmas += f" PRAGMA mmap_size={mmap_mb * 1024 * 1024};"
    return pragmas


def sqlite_database(path: Path) -> dict[str, object]:
    """SQLite at ``path``: Django's backend with writers queued on a blocking lock
    (``core.sqlite``), WAL, immediate transactions, its page cache and memory mapping as
    :func:`sqlite_pragmas` sets them."""
    return {
        "ENGINE": "defector.core.sqlite",
        "NAME": str(path),
        # A server thread keeps its connection between requests (as on PostgreSQL): opening
        # one and setting its pragmas costs about as much as a small request's queries.
        "CONN_MAX_AGE": env_int("DEFECTOR_DB_CONN_MAX_AGE", 60),
        "OPTIONS": {
            # Immediate transactions avoid "database is locked" upgrades under concurrent
            # writers, who queue for their turn on ``core.sqlite``'s lock (``timeout``: the
            # longest wait, in seconds, for that turn and for SQLite's own lock); WAL lets
            # readers proceed while one writer commits.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": sqlite_pragmas(),
        },
        # The test database in memory, as Django's own SQLite backend has it by default (said
        # here because pytest-django knows that default by the engine's name only).
        "TEST": {"NAME": ":memory:"},
    }
