"""PostgreSQL databases for the benchmarks: created and dropped through an admin connection.

Only psycopg is used here (no Django), so the orchestrator can manage databases without
settling on one DATABASE_URL. Every database is named xinju_bench_<pid>_<label>, so a run
only ever drops what it created.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
).strip()
PREFIX = "xinju_bench_"
_NAME = re.compile(r"^xinju_bench_[a-z0-9_]+$")


def url_for(name: str) -> str:
    """The admin URL with its database replaced by `name`."""
    parts = urlsplit(ADMIN_URL)
    return urlunsplit(parts._replace(path="/" + name))


def server_address() -> str:
    """host:port of the server, for the report (never the password)."""
    parts = urlsplit(ADMIN_URL)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def _admin() -> psycopg.Connection:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    return psycopg.connect(ADMIN_URL, autocommit=True)


def check() -> str:
    """The server's version; raises if the admin connection fails."""
    with _admin() as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])


class Databases:
    """The databases of one run; `drop_all()` removes every one still present."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.created: list[str] = []

    def name(self, label: str) -> str:
        name = f"{PREFIX}{self.run_id}_{label}".lower()
        if not _NAME.match(name):
            raise ValueError(f"bad database name {name!r}")
        return name

    def create(self, label: str, *, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`, which must have no connections)."""
        name = self.name(label)
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        with _admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(query)
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        with _admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> list[str]:
        """Drop what this run created; returns the names that could not be dropped."""
        failed = []
        for name in list(self.created):
            try:
                self.drop(name)
            except psycopg.Error:
                failed.append(name)
        return failed


def leftovers() -> list[str]:
    """Benchmark databases of runs whose process is gone (a run killed before its cleanup)."""
    with _admin() as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'xinju\\_bench\\_%'"
            )
        ]
    stale = []
    for name in names:
        pid = name.removeprefix(PREFIX).split("_", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            stale.append(name)
        except PermissionError:
            pass  # a live process of another user
    return stale
