"""``manage.py worker``: the background task worker (django-tasks-db's), after requeuing stranded mail.

``make run`` and ``make serve`` start it beside the web server; a deployment runs it as a
service of its own. Options are db_worker's (``--interval``, ``--batch``…).
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from outbox.tasks import requeue_due


class Command(DatabaseWorkerCommand):
    help = "Run the background tasks (mail delivery), after requeuing waiting mail whose task was lost."

    def handle(self, *args, **options):
        requeued = requeue_due()
        if requeued and options["verbosity"]:
            self.stdout.write(f"Outbox: {requeued} waiting mail(s) requeued.")
        return super().handle(*args, **options)
