"""``manage.py newsletters_tick``: the newsletters' minute's work once now (due editions started, sends a
killed worker left taken back, expired subscriptions deleted, automatic editions prepared)."""

from django.core.management.base import BaseCommand

from newsletters.tasks import plan_next, run_tick


class Command(BaseCommand):
    help = (
        "Start due newsletter editions, take back the sends a killed worker left, delete expired "
        "subscriptions and prepare the automatic editions; --schedule has the task worker do it every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="also have the task worker run it every minute from now on (once is enough; again is harmless)",
        )

    def handle(self, *args, schedule, **options):
        if schedule and plan_next() and options["verbosity"]:
            self.stdout.write("Newsletters' tick planned every minute in the task worker.")
        done = run_tick()
        if options["verbosity"] > 1:
            self.stdout.write(", ".join(f"{name}: {value}" for name, value in done.items()))
