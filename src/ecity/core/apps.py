from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

_private_databases: set[str] = set()


def sqlite_file_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Make the SQLite database file (and its WAL and shared-memory files) owner-only (0600).

    SQLite creates them with the process's umask (usually 0644: readable by every local
    account); they hold every personal datum not encrypted at column level. Checked once per
    file and process; a file another account owns is left alone.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or name in _private_databases:
        return
    from ecity.core.storage import PRIVATE_FILE_MODE, private_mode_tighten

    for suffix in ("", "-wal", "-shm", "-journal"):
        private_mode_tighten(Path(name + suffix), PRIVATE_FILE_MODE)
    _private_databases.add(name)


class CoreConfig(AppConfig):
    name = "ecity.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self) -> None:
        connection_created.connect(sqlite_file_private, dispatch_uid="ecity.core.sqlite_private")
