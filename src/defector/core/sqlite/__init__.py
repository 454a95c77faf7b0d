"""The SQLite backend of the embedded default: Django's, with writers queued on a blocking lock.

``DATABASES["default"]["ENGINE"] = "defector.core.sqlite"`` (``core.config.sqlite_database``).
See :mod:`defector.core.sqlite.base`.
"""
