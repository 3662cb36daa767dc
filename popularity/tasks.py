"""The flush as a task of the worker (``manage.py worker``): it runs, then asks to run again in a few minutes.

``manage.py flush_readings --schedule`` starts the chain once (a deployment's start, ``make run``);
asking again is harmless: a run plans the next one only if no other run has just done so, so two
chains become one at their next run. The flush itself is safe to run twice or at once (``flush``).
"""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from .counting import shared_cache
from .flush import flush_readings
from .most_read import refresh_if_due

FLUSH_SECONDS = 300
NEXT_RUN_KEY = "popularity:flush:next-run-planned"


@task
def flush_and_plan_next(seconds: int = FLUSH_SECONDS) -> str:
    raised = flush_readings()
    refresh_if_due()
    plan_next(seconds)
    return f"{raised} hour row(s) raised"


def plan_next(seconds: int = FLUSH_SECONDS) -> bool:
    """Enqueue the next run in ``seconds`` unless another run planned one within that time; whether it did."""
    if not shared_cache().add(NEXT_RUN_KEY, 1, max(1, seconds - 10)):
        return False
    flush_and_plan_next.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(seconds)
    return True
