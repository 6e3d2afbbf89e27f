"""The app served by Daphne in a subprocess, for real browsers (websockets included).

pytest-django's live_server speaks HTTP only, so the browser tests (and the browser
benchmark) start the real ASGI server against a database of their own: a SQLite file in a
temporary folder, or, when DATABASE_URL points at PostgreSQL, a fresh database beside it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
DAPHNE = ROOT / ".venv" / "bin" / "daphne"

CREATE_USER = """
from accounts.models import User
from quotas.models import Quota, Tier
from quotas.services import quota_change_tier
user = User.objects.create_user({username!r}, {email!r}, {password!r})
quota_change_tier(quotas=Quota.objects.filter(user=user), tier=Tier.objects.get(name={tier!r}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresDatabase:
    """A throw-away database next to the one DATABASE_URL names."""

    def __init__(self, url: str, suffix: str) -> None:
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'postgres'}_{suffix}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql)

    def create(self) -> None:
        self.drop()
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class AppServer:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "daphne.log"
        self.process: subprocess.Popen | None = None
        self.postgres: PostgresDatabase | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATA_DIR": str(data_dir),
            "DEBUG": "false",
            "SECRET_KEY": "browser-tests-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            self.postgres = PostgresDatabase(database_url, f"browser_{os.getpid()}")
            self.env["DATABASE_URL"] = self.postgres.url
        else:
            self.env.pop("DATABASE_URL", None)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def prepare(self) -> None:
        """A migrated database and collected static files."""
        if self.postgres:
            self.postgres.create()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")

    def create_user(self, username: str, password: str, *, tier: str = "enterprise") -> None:
        code = CREATE_USER.format(
            username=username, email=f"{username}@example.com", password=password, tier=tier
        )
        self.manage("shell", "-c", code)

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [str(DAPHNE), "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/account/login/", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Daphne did not answer in {timeout} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.postgres:
            self.postgres.drop()


if __name__ == "__main__":  # serve by hand: python -m harness.appserver /tmp/folder
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/codesandboxes-browser")
    folder.mkdir(parents=True, exist_ok=True)
    server = AppServer(folder)
    server.prepare()
    server.create_user("demo", "demo-password-123")
    server.start()
    print(f"Serving at {server.url} (log in as demo / demo-password-123); Ctrl+C stops it.")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        server.stop()
