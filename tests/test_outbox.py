"""The outbox: every mail recorded with what caused it, delivered by the worker, never lost while SMTP is down.

Delivered to a real SMTP server (aiosmtpd) on this machine, which the tests stop and start; time moves
with time-machine, and the worker runs in the test's process (``worker.run_tasks``).
"""

from unittest import mock

import pytest
from comment_form import post_comment
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from smtp import SMTPServer
from worker import run_tasks

from outbox.mail import send
from outbox.models import Mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """A real SMTP server, not started: the tests decide when it is up."""
    server = SMTPServer()
    settings.MAILERS = server.mailer_settings()
    yield server
    server.stop()


@pytest.fixture
def moderators(make_user):
    make_user("modo", groups=["Modérateurs"], email="modo@redaction.example")


def test_notices_asked_for_while_smtp_is_down_for_ten_minutes_arrive_once_it_is_back(
    client, make_article, moderators, smtp, time_machine
):
    time_machine.move_to("2026-03-02 10:00:00+01:00", tick=False)
    article = make_article("Le marché couvert de Metz rouvre", slug="marche-couvert")
    # Ten minutes without an SMTP server, a comment waiting every two minutes.
    for minute in range(0, 10, 2):
        time_machine.move_to(f"2026-03-02 10:{minute:02}:00+01:00", tick=False)
        response = post_comment(client, article, ip=f"192.0.2.{minute + 1}", body=f"Commentaire de 10 h {minute}.")
        assert response.status_code == 302
        run_tasks()  # the worker tries, and fails
    assert Mail.objects.waiting().count() == 5
    assert smtp.received == []
    failed = Mail.objects.order_by("pk").first()
    assert failed.attempts >= 3 and "ConnectionRefusedError" in failed.last_error

    smtp.start()
    time_machine.move_to("2026-03-02 10:11:00+01:00", tick=False)
    run_tasks()
    time_machine.move_to("2026-03-02 10:30:00+01:00", tick=False)  # every retry still scheduled comes and goes
    run_tasks()

    assert len(smtp.received) == 5
    assert sorted(m["X-Envelope-To"] for m in smtp.received) == ["modo@redaction.example"] * 5
    assert Mail.objects.filter(status=Mail.Status.SENT).count() == 5
    # Requeued as after a killed worker, and retried from the admin: nothing goes out twice.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):  # the test's own
        call_command("worker", batch=True, verbosity=0, startup_delay=False, reload=False)
    run_tasks()
    assert len(smtp.received) == 5


def test_a_mail_is_given_up_after_its_time_and_can_be_sent_again_from_the_admin(
    smtp, settings, time_machine, admin_client
):
    settings.OUTBOX_GIVE_UP_HOURS = 1
    time_machine.move_to("2026-03-02 10:00:00+01:00", tick=False)
    mail = send(["cheffe@redaction.example"], "À relire", "Un article attend.", kind="test")
    for minute in range(0, 120, 5):
        time_machine.move_to(f"2026-03-02 {10 + minute // 60}:{minute % 60:02}:00+01:00", tick=False)
        run_tasks()
    mail.refresh_from_db()
    assert mail.status == Mail.Status.FAILED

    listing = admin_client.get(reverse("admin:outbox_mail_changelist")).content.decode()
    assert "À relire" in listing and "Abandonné" in listing and "ConnectionRefusedError" in listing

    smtp.start()
    response = admin_client.post(
        reverse("admin:outbox_mail_changelist"), {"action": "send_again", "_selected_action": [mail.pk]}
    )
    assert response.status_code == 302
    run_tasks()
    mail.refresh_from_db()
    assert mail.status == Mail.Status.SENT
    assert smtp.subjects() == ["À relire"]


def test_a_mail_asked_for_in_a_rolled_back_transaction_does_not_exist(smtp):
    smtp.start()
    with pytest.raises(RuntimeError), transaction.atomic():
        send(["cheffe@redaction.example"], "Jamais", "Annulé.", kind="test")
        raise RuntimeError
    run_tasks()
    assert not Mail.objects.exists()
    assert smtp.received == []


def test_headers_and_subject_are_one_line(smtp):
    smtp.start()
    send(
        ["cheffe@redaction.example"],
        "Objet\r\nBcc: tous@exemple.fr",
        "Texte.",
        kind="test",
        headers={"X-Article": "12\nBcc: tous@exemple.fr"},
    )
    run_tasks()

    (message,) = smtp.received
    assert message["Bcc"] is None
    assert smtp.subjects() == ["Objet Bcc: tous@exemple.fr"]
    assert message["X-Article"] == "12 Bcc: tous@exemple.fr"


def test_the_outbox_page_shows_what_waits_and_why(smtp, admin_client, editor_client):
    mail = send(["cheffe@redaction.example"], "Commentaire en attente", "Texte.", kind="comments.pending")
    run_tasks()  # the server is down

    page = admin_client.get(reverse("admin:outbox_mail_changelist")).content.decode()
    assert "En attente d’envoi : <strong>1</strong>" in page
    assert "Commentaire en attente" in page and "ConnectionRefusedError" in page
    # Editors read it too; nobody adds a mail by hand.
    assert editor_client.get(reverse("admin:outbox_mail_change", args=[mail.pk])).status_code == 200
    assert admin_client.get(reverse("admin:outbox_mail_add")).status_code == 403
