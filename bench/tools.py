"""Small helpers the benchmark scripts share (scripts/benchmark.py, bench_http.py, search_benchmark.py).

Nothing here imports Django: the scripts use it before Django is set up.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), newest version first."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent  # Debian links some programs into /usr/local/bin, not all
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    return candidates[-1] if candidates else None


def format_table(headers: list[str], rows: list[list[str]], left_columns: int) -> list[str]:
    """Columns padded to their widest cell: the first ``left_columns`` left-aligned, the rest right-aligned."""
    widths = [max(len(row[column]) for row in [headers, *rows]) for column in range(len(headers))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if column < left_columns else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)]


def as_postgres(command: list) -> list[str]:
    """The command, run as the ``postgres`` user when we are root: PostgreSQL refuses to run as root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return [*prefix, *map(str, command)]


@contextmanager
def throwaway_postgres(shared_buffers: str = "128MB", prefix: str = "newsroom-pg.") -> Iterator[Path]:
    """initdb + pg_ctl in a temporary folder, Unix socket only (as scripts/test.sh does).

    Yields the folder, which is also the socket's; the server is stopped and the folder
    removed on the way out, whatever happened.
    """
    binaries = pg_bin()
    if binaries is None or not (binaries / "initdb").exists():
        raise SystemExit("PostgreSQL server programs (initdb, pg_ctl) not found: install PostgreSQL 15 or newer.")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")

    def run(*command):
        subprocess.run(as_postgres(command), check=True, capture_output=True)

    try:
        run(
            binaries / "initdb",
            "-D",
            folder / "data",
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = f"-c listen_addresses='' -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        # PostgreSQL's default (128MB) is sized for a laptop; a server holds its working set.
        options += f" -c shared_buffers={shared_buffers}"
        run(binaries / "pg_ctl", "-D", folder / "data", "-l", folder / "server.log", "-w", "-o", options, "start")
        yield folder
    finally:
        subprocess.run(
            as_postgres([binaries / "pg_ctl", "-D", folder / "data", "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def create_database(folder: Path, name: str) -> str:
    """A new database on the throwaway server in ``folder``, as a DATABASE_URL."""
    subprocess.run(
        as_postgres([pg_bin() / "createdb", "-h", folder, "-U", "postgres", name]), check=True, capture_output=True
    )
    return f"postgres://postgres@{str(folder).replace('/', '%2F')}/{name}"


# Other servers a benchmark starts: on the loopback, on a free port, stopped with the benchmark.

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_redis(folder: Path, stack: ExitStack) -> str:
    """A throwaway redis-server (no persistence) on a free port, stopped when ``stack`` closes; its URL."""
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server not found: install it (Debian: apt-get install redis-server).")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stack.callback(stop, process)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return f"redis://{HOST}:{port}"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start.")


def stop(process: subprocess.Popen) -> None:
    """Stop a process we started (and, for gunicorn, its workers: its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM) if process_group_leader(process) else process.terminate()
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if process_group_leader(process) else process.kill()


def process_group_leader(process: subprocess.Popen) -> bool:
    try:
        return os.getpgid(process.pid) == process.pid
    except ProcessLookupError:
        return False
