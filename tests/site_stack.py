"""The whole production stack on this machine, as docs/deploying.md documents it, for the whole-site tests.

`make serve` (scripts/serve.py: migrations, the demo newsroom, gunicorn with several workers and the
task worker beside it) on a PostgreSQL database of its own, the page cache in a Redis of its own (so
that a test may freeze it) or in files, and a real SMTP server (aiosmtpd). Readers are HTTP clients,
each from an address of its own: every address of 127.0.0.0/8 is this machine's loopback on Linux.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import dj_database_url
import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 180  # migrations and the demo newsroom on a fresh database, on a loaded machine


def reader_address(number: int) -> str:
    """A distinct loopback address per reader: 127.0.1.1, 127.0.1.2 … 127.0.4.250 …"""
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    @property
    def cache(self) -> str:
        """What a cache in front said of it (X-Cache: HIT, MISS, HIT-GRACE…)."""
        return self.headers.get("x-cache", "")


@dataclass
class Browser:
    """One reader's browser: its own address and its own cookies, sending what a browser sends."""

    base_url: str
    address: str = "127.0.0.1"
    cookies: dict = field(default_factory=dict)
    answers: list = field(default_factory=list)  # every answer, to count errors afterwards

    def request(self, method: str, path: str, data: dict | list | None = None, headers: dict | None = None) -> Answer:
        split = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(
            split.hostname, split.port, timeout=30, source_address=(self.address, 0)
        )
        sent = {"Accept": "text/html", "Accept-Encoding": "identity", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # What every current browser sends with a form posted from the site's own page.
            sent.setdefault("Origin", self.base_url)
            sent.setdefault("Sec-Fetch-Site", "same-origin")
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, content, 0.0)
        answer.seconds = time.monotonic() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.answers.append((method, path, answer.status))
        return answer

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data, **kwargs) -> Answer:
        return self.request("POST", path, data, **kwargs)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
        answer = self.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"},
            headers={"Referer": self.base_url + "/admin/login/"},
        )
        assert answer.status == 302, f"sign-in of {username} answered {answer.status}"

    def admin_action(self, changelist: str, action: str, ids) -> Answer:
        page = self.get(changelist)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
        data = [("csrfmiddlewaretoken", token), ("action", action), ("index", "0")]
        data += [("_selected_action", str(pk)) for pk in ids]
        return self.post(changelist, data, headers={"Referer": self.base_url + changelist})


def comment_form(page: str) -> tuple[str, str]:
    """The comment form's address and its signed token, read from an article page."""
    action = re.search(r'<form[^>]+action="(/commentaires/article/\d+/)[^"]*"', page)
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert action and token, "no comment form on the page"
    return action[1], token[1]


class Database:
    """A PostgreSQL database of its own on the test server (DATABASE_URL), dropped at the end."""

    def __init__(self, server_url: str):
        self.server = dj_database_url.parse(server_url)
        self.name = f"newsroom_site_{secrets.token_hex(4)}"
        with self._connect("postgres") as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def _connect(self, name: str):
        params = {"dbname": name, "user": self.server["USER"] or "postgres", "autocommit": True}
        if self.server["HOST"]:
            params["host"] = self.server["HOST"]
        if self.server["PORT"]:
            params["port"] = self.server["PORT"]
        return psycopg.connect(**params)

    @property
    def url(self) -> str:
        host = (self.server["HOST"] or "").replace("/", "%2F")
        port = f":{self.server['PORT']}" if self.server["PORT"] else ""
        return f"postgres://{self.server['USER'] or 'postgres'}@{host}{port}/{self.name}"

    def rows(self, sql: str, *params) -> list[tuple]:
        with self._connect(self.name) as connection:
            return connection.execute(sql, params).fetchall()

    def drop(self) -> None:
        with self._connect("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Redis:
    """A Redis of the test's own, on a Unix socket: freezing it touches nothing else."""

    def __init__(self, folder: Path):
        self.socket = folder / "redis.sock"
        self.process = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.thaw()
        self.process.terminate()
        self.process.wait(timeout=10)


class Site:
    """`make serve` (scripts/serve.py) in a process group of its own, with the environment given."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "scripts/serve.py"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(self.port)},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()  # a site that never served is not left running behind the test
            raise

    def _wait_until_serving(self) -> None:
        deadline, last_error = time.monotonic() + STARTUP_SECONDS, None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"make serve exited ({self.process.returncode}):\n{self.tail()}")
            try:
                status = Browser(self.base_url).get("/robots.txt").status
            except OSError as error:  # refused, reset or timed out: not yet
                last_error = error
            else:  # serving: rightly, or wrongly, and waiting will not change that
                assert status == 200, f"/robots.txt answered {status}:\n{self.tail()}"
                return
            time.sleep(0.3)
        raise AssertionError(f"make serve did not answer within {STARTUP_SECONDS} s ({last_error!r}):\n{self.tail()}")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        with_group = os.getpgid(self.process.pid)
        os.killpg(with_group, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(with_group, signal.SIGKILL)
            self.process.wait(timeout=10)
        # The task worker, in the same group, goes too (it also dies with its parent).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(with_group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.killpg(with_group, signal.SIGKILL)

    def manage(self, env: dict, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at this moment, for a server the tests start."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
