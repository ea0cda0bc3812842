"""Whole-database backup and restore: SQLite's online backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import os
import sqlite3

# B404, B603: pg_dump/pg_restore run with fixed argument lists and no shell; B607: they are
# found on PATH, where the PostgreSQL client tools are installed with the server's packages.
import subprocess  # nosec B404
from pathlib import Path

from django.db import connection


def _pg_env() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _private_file(path: Path) -> None:
    """Create `path` (or truncate it) readable and writable by its owner only, whatever the
    umask: a backup holds every password hash and every diary. SQLite and pg_dump then write
    into it and keep its mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # the mode above applies only to a file it creates
    finally:
        os.close(descriptor)


def backup(path: Path) -> None:
    """Copy the live database to `path` (0600) without stopping the site."""
    _private_file(path)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(  # nosec B603 B607
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *args],
            check=True,
            env=env,
        )
    else:
        raise RuntimeError(f"No backup for the {connection.vendor} database backend.")


def restore(path: Path) -> None:
    """Replace the whole database with the backup at `path`."""
    if not path.exists():
        raise FileNotFoundError(path)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
    elif connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env()
        subprocess.run(  # nosec B603 B607
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(path),
            ],
            check=True,
            env=env,
        )
    else:
        raise RuntimeError(f"No restore for the {connection.vendor} database backend.")
