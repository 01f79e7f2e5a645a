"""What the benchmarks that run Reachable as a server share: a fresh PostgreSQL database, the
demo's settings with DEBUG off, a free loopback port, and waiting for a server to answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def fresh_database(name: str) -> str:
    """Drop and create the benchmark's own database; its URL."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return database_url(name)


def server_environment(database: str, var_dir: str, **extra: str) -> dict[str, str]:
    """The demo's settings with DEBUG off, on this database, with none of the caller's
    REACHABLE_ settings leaking in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REACHABLE_")}
    env.update(
        {
            "REACHABLE_MODE": "demo",
            "DATABASE_URL": database_url(database),
            "REACHABLE_DEBUG": "0",
            "REACHABLE_VAR_DIR": var_dir,
            "REACHABLE_EMAIL_BACKEND": "memory",
            **extra,
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen) -> None:
    """Until the server takes connections on the port (it must not exit first)."""
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("the server did not start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer")
