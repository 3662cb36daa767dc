"""``manage.py flush_readings``: the readings counted in Redis into the database, then « Les plus lus » refreshed."""

import time

from django.core.management.base import BaseCommand

from popularity.flush import DEFAULT_HOURS, flush_readings
from popularity.most_read import refresh_if_due
from popularity.tasks import plan_next


class Command(BaseCommand):
    help = "Copy the hourly reading counts from Redis into the database (safe to run twice or at once), then refresh « Les plus lus » if due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=DEFAULT_HOURS,
            help=f"hours to copy, the current one included (default {DEFAULT_HOURS}; up to 48 after an outage)",
        )
        parser.add_argument("--every", type=int, default=0, help="run again every this many seconds, until stopped")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="also have the task worker run it every 5 minutes from now on (once is enough; again is harmless)",
        )

    def handle(self, *args, hours, every, schedule, **options):
        if schedule and plan_next() and options["verbosity"]:
            self.stdout.write("Flush planned every 5 minutes in the task worker.")
        while True:
            raised = flush_readings(hours=hours)
            refresh_if_due()
            if options["verbosity"] > 1:
                self.stdout.write(f"{raised} hour row(s) raised.")
            if not every:
                return
            time.sleep(every)
