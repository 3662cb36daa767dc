"""`make run`: Django's development server, with the task worker beside it (mail is printed on its console)."""

import os
import sys

from task_worker import PROJECT_ROOT, start_worker


def main() -> None:
    os.chdir(PROJECT_ROOT)
    address = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
    start_worker()
    # exec: runserver takes this process's place (the worker goes when it goes).
    os.execv(sys.executable, [sys.executable, "manage.py", "runserver", address])


if __name__ == "__main__":
    main()
