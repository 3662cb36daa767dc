"""The task worker (`manage.py worker`: mail delivery) beside the web server, for `make run` and `make serve`.

It lives and dies with the process that started it: Linux sends it SIGTERM when that process
ends (PR_SET_PDEATHSIG), even when that process has become gunicorn or runserver by exec, so
Ctrl-C, a process manager's stop or a crash never leaves a worker behind.
"""

import contextlib
import ctypes
import signal
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the worker outlives an unclean stop
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_worker() -> subprocess.Popen:
    """Start `manage.py worker` in the background, logging to this process's output, with its recurring
    tasks planned (« Les plus lus »: the readings moved into the database every 5 minutes; the
    newsletters' tick every minute)."""
    manage = [sys.executable, str(PROJECT_ROOT / "manage.py")]
    # Harmless when already planned: two chains of runs become one (popularity/tasks.py).
    subprocess.run([*manage, "flush_readings", "--schedule"], cwd=PROJECT_ROOT, check=False)
    # The newsletters' minute: due editions started, sends of a killed worker taken back (newsletters/tasks.py).
    subprocess.run([*manage, "newsletters_tick", "--schedule"], cwd=PROJECT_ROOT, check=False)
    command = [*manage, "worker", "--no-reload", "--interval", "1"]
    print("== task worker: " + " ".join(command[1:]), flush=True)
    return subprocess.Popen(command, cwd=PROJECT_ROOT, preexec_fn=_die_with_parent)
