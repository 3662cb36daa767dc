"""The task worker, run in the test's own process and transaction: what `manage.py worker` does.

Mail is written to the outbox and delivered by the worker; a test that reads what was sent
runs the worker first (``run_tasks``), as the real one would within a second.
"""

from collections.abc import Sequence
from unittest import mock

from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_tasks() -> None:
    """Run every task that is due, and those they enqueue, until none is left; a task that
    raised fails the test (the real worker would only mark it failed).

    The real worker closes stale database connections between tasks; here the connection is the
    test's own, inside its transaction, so it must stay open."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        _worker().run()
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).first()
    if failed is not None:
        raise AssertionError(f"Task {failed.task_path} failed: {failed.traceback}")


def _worker() -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )


class DeliveredMail(Sequence):
    """Django's test outbox (the mail the SMTP server would have received), read after the worker ran."""

    def __init__(self, outbox: list):
        self._outbox = outbox

    def _delivered(self) -> list:
        run_tasks()
        return self._outbox

    def __getitem__(self, index):
        return self._delivered()[index]

    def __len__(self):
        return len(self._delivered())

    def __eq__(self, other):
        return self._delivered() == other

    def __repr__(self):
        return repr(self._outbox)

    def clear(self):
        self._delivered().clear()
