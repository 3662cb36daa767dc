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


# A tick's steps, in the order that lets each see the previous one's work. Looked up when they run:
# ``editions`` imports ``sending``, which imports this module.
TICK_STEPS = [
    ("started", lambda now: sending.start_due(now)),
    ("released", lambda now: sending.release_stale(now)),
    ("restarted", lambda now: sending.restart_stalled(now)),
    ("expired", lambda now: subscribing.delete_expired(now)),
    ("prepared", lambda now: editions.prepare_automatic_editions(now)),
]


def run_tick(now=None) -> dict[str, object]:
    """One tick's work; what each step did. A step that fails does not keep the others from running
    (a bug in preparing editions must not stop sends from being taken back); the first error is
    raised at the end, so that the task is marked failed and the command exits with it."""
    now = now or timezone.now()
    done, errors = {}, []
    for name, step in TICK_STEPS:
        try:
            done[name] = step(now)
        except Exception as error:
            logger.exception("Newsletters' tick: step « %s » failed", name)
            done[name], errors = f"failed ({type(error).__name__})", [*errors, error]
    if errors:
        raise errors[0]
    return done


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
