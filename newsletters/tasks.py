"""The newsletters' tasks, run by the task worker (``manage.py worker``).

- ``start_edition``: at an edition's scheduled time, its deliveries written, then ``send_edition``;
- ``send_edition``: one batch (``sending.send_batch``), then the next task — now, or when the
  next retry is due —, so that a worker asked to stop is free within a batch's time;
- ``tick``: every minute, what no single task can be trusted with: editions due whose task was lost,
  sends a killed worker left behind, expired subscriptions, the automatic editions to prepare.
  ``manage.py newsletters_tick --schedule`` starts its chain (``make run``, ``make serve`` and a
  deployment's start); asking again is harmless (``plan_next``, as popularity's flush does).
"""

import logging
from datetime import timedelta

from django.core.cache import caches
from django.tasks import task
from django.utils import timezone

from . import editions, sending, subscribing

logger = logging.getLogger(__name__)

TICK_SECONDS = 60
NEXT_TICK_KEY = "newsletters:tick:next-run-planned"


@task
def start_edition(edition_id: int) -> str:
    return "started" if sending.start(edition_id) else "not due or already started"


@task
def send_edition(edition_id: int) -> str:
    result = sending.send_batch(edition_id)
    if result.next_run is not None:
        if result.next_run <= timezone.now():
            send_edition.enqueue(edition_id)
        else:
            send_edition.using(run_after=result.next_run).enqueue(edition_id)
    state = "finished" if result.finished else f"next at {result.next_run}" if result.next_run else "waiting"
    return f"{result.sent} sent, {result.refused} refused, {result.deferred} deferred; {state}"


def run_tick(now=None) -> dict[str, object]:
    """One tick's work, in the order that lets each step see the previous one's."""
    now = now or timezone.now()
    return {
        "started": sending.start_due(now),
        "released": sending.release_stale(now),
        "restarted": sending.restart_stalled(now),
        "expired": subscribing.delete_expired(now),
        "prepared": editions.prepare_automatic_editions(now),
    }


@task
def tick(seconds: int = TICK_SECONDS) -> str:
    try:
        done = run_tick()
    finally:  # a failing step does not end the chain
        plan_next(seconds)
    return ", ".join(f"{name}: {value}" for name, value in done.items())


def plan_next(seconds: int = TICK_SECONDS) -> bool:
    """Enqueue the next tick in ``seconds`` unless another one was planned within that time; whether it did."""
    if not caches["default"].add(NEXT_TICK_KEY, 1, max(1, seconds - 5)):
        return False
    tick.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(seconds)
    return True
