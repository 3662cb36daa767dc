"""Signing in to the admin, throttled per account *and* address (docs/decisions/sign-in-throttling.md).

A guesser waits longer and longer, then is locked out — for that account, from its own address only;
colleagues signing in from the same office, or the journalist from her own connection, never notice.
Every test goes through the real admin login page, on a pinned clock moved with time_machine.
"""

import logging
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from admin_pages import action_post
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse
from factories import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "Trop de tentatives de connexion"
OFFICE = "192.0.2.10"  # the newsroom's address: every desk behind its proxy
HOME = "198.51.100.20"  # the journalist's own connection
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def clock():
    """A clock that stands still on a Monday morning of 2026 until a test moves it."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def sign_in(client, login, password, ip):
    return client.post(
        reverse("admin:login"),
        {"username": login, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def text(response) -> str:
    return response.content.decode()


def guess(client, clock, login, ip, times, every=timedelta(minutes=16)):
    """``times`` wrong passwords, each after the wait the last one imposed (16 minutes outlast any)."""
    for attempt in range(times):
        clock.shift(every)
        response = sign_in(client, login, f"devine-{attempt}", ip)
        assert not signed_in(response)
        assert TOO_MANY not in text(response), f"try {attempt + 1} was not checked"


def test_an_attacker_at_the_office_does_not_lock_colleagues_out(client, clock, editor, journalist):
    # The whole newsroom signs in from one address (behind a proxy without X-Forwarded-For trust, so
    # does everyone): 20 wrong passwords on four logins there lock out none of the others.
    for login in (editor.username, "admin", "direction", "webmaster"):
        for attempt in range(5):
            assert not signed_in(sign_in(client, login, f"devine-{attempt}", ip=OFFICE))
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=OFFICE))
    guess(client, clock, editor.username, OFFICE, 20)  # and 20 more, each checked
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=OFFICE))
    assert signed_in(sign_in(Client(), editor.username, PASSWORD, ip=HOME))


def test_an_attacker_elsewhere_does_not_lock_the_journalist_out_of_her_own_address(client, clock, journalist):
    for attempt in range(5):
        sign_in(client, journalist.username, f"devine-{attempt}", ip=ATTACKER)
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=HOME))
    guess(client, clock, journalist.username, ATTACKER, 30)
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=HOME))


def test_thirty_wrong_passwords_then_the_right_one_from_the_attackers_address_are_refused(client, clock, editor):
    guess(client, clock, editor.username, ATTACKER, 30)
    response = sign_in(client, editor.username, PASSWORD, ip=ATTACKER)
    assert not signed_in(response)
    assert "bloquée pendant encore 15 minutes" in text(response)
    assert "_auth_user_id" not in client.session


def test_thirty_wrong_passwords_at_once_then_the_right_one_are_refused(client, editor):
    for attempt in range(30):
        assert not signed_in(sign_in(client, editor.username, f"devine-{attempt}", ip=ATTACKER))
    response = sign_in(client, editor.username, PASSWORD, ip=ATTACKER)
    assert not signed_in(response)
    assert TOO_MANY in text(response)


def test_after_the_free_failures_each_wait_doubles_and_nothing_is_checked_meanwhile(client, clock, editor, settings):
    for attempt in range(settings.LOGIN_FREE_FAILURES):
        assert TOO_MANY not in text(sign_in(client, editor.username, f"devine-{attempt}", ip=ATTACKER))
    response = sign_in(client, editor.username, PASSWORD, ip=ATTACKER)  # even the right one: no oracle
    assert not signed_in(response)
    assert "réessayez dans 1 seconde." in text(response)
    clock.shift(timedelta(seconds=1))
    assert TOO_MANY not in text(sign_in(client, editor.username, "encore-faux", ip=ATTACKER))
    assert "réessayez dans 2 secondes." in text(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))
    clock.shift(timedelta(seconds=1))
    assert "réessayez dans 1 seconde." in text(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))
    clock.shift(timedelta(seconds=1))
    assert signed_in(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))


def test_the_lock_lifts_by_itself(client, clock, editor, settings):
    guess(client, clock, editor.username, ATTACKER, settings.LOGIN_LOCK_FAILURES)
    response = sign_in(client, editor.username, PASSWORD, ip=ATTACKER)
    assert "bloquée pendant encore 15 minutes" in text(response)
    assert "Un administrateur peut la débloquer" in text(response)
    clock.shift(timedelta(minutes=14))
    assert "bloquée pendant encore 1 minute." in text(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))
    clock.shift(timedelta(minutes=1))
    assert signed_in(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))


def test_an_administrator_lifts_every_lock_of_the_account(client, clock, editor, make_user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 15
    guess(client, clock, editor.username, ATTACKER, settings.LOGIN_LOCK_FAILURES)
    guess(client, clock, editor.username, OFFICE, 5, every=timedelta(0))  # and slowed from every new address
    assert TOO_MANY in text(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))
    assert TOO_MANY in text(sign_in(client, editor.username, PASSWORD, ip=OFFICE))
    assert TOO_MANY in text(sign_in(client, editor.username, PASSWORD, ip=HOME))
    administrator = Client()
    administrator.force_login(make_user("admin-redac", is_superuser=True))
    response = administrator.post(
        reverse("admin:auth_user_changelist"), action_post("unlock_sign_in", editor), follow=True
    )
    assert "La connexion de 1 compte est débloquée." in text(response)
    for address in (ATTACKER, OFFICE, HOME):
        assert signed_in(sign_in(Client(), editor.username, PASSWORD, ip=address)), address


def test_a_right_password_forgets_the_failures_from_that_address(client, editor, settings):
    for _ in range(2):
        for attempt in range(settings.LOGIN_FREE_FAILURES - 1):
            assert TOO_MANY not in text(sign_in(client, editor.username, f"faute-{attempt}", ip=HOME))
        assert signed_in(sign_in(client, editor.username, PASSWORD, ip=HOME))
        client.logout()


def test_one_account_guessed_from_many_addresses_is_slowed_from_new_addresses_only(client, clock, journalist, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 12
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=HOME))  # her address is known
    for number in range(12):
        sign_in(client, journalist.username, "devine", ip=f"203.0.113.{number}")
    response = sign_in(client, journalist.username, PASSWORD, ip="203.0.113.200")
    assert "Trop de tentatives de connexion à ce compte, depuis de nombreuses adresses" in text(response)
    assert "réessayez dans 1 seconde" in text(response)
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=HOME))


def test_password_spraying_slows_the_address_for_accounts_not_known_there(client, editor, journalist, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 12
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=OFFICE))  # she signs in there every day
    for number in range(12):
        sign_in(client, f"inconnu{number}", "123456", ip=OFFICE)
    response = sign_in(client, editor.username, PASSWORD, ip=OFFICE)
    assert "Trop de tentatives de connexion depuis cette adresse, sur de nombreux comptes" in text(response)
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=OFFICE))
    assert signed_in(sign_in(Client(), editor.username, PASSWORD, ip=HOME))


def test_a_ceiling_of_zero_is_no_ceiling(client, editor, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = settings.LOGIN_FAILURES_PER_ADDRESS = 0
    for number in range(40):
        sign_in(client, f"inconnu{number}", "123456", ip=OFFICE)
        sign_in(client, editor.username, "devine", ip=f"203.0.113.{number}")
    assert signed_in(sign_in(Client(), editor.username, PASSWORD, ip=OFFICE))


def test_the_rules_hold_on_the_file_cache_too(client, clock, editor, journalist, settings, tmp_path):
    # Production's cache when there is no Redis.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    guess(client, clock, editor.username, ATTACKER, settings.LOGIN_LOCK_FAILURES)
    assert "bloquée pendant encore 15 minutes" in text(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))
    assert signed_in(sign_in(Client(), journalist.username, PASSWORD, ip=ATTACKER))
    assert signed_in(sign_in(Client(), editor.username, PASSWORD, ip=HOME))
    clock.shift(timedelta(minutes=15, seconds=1))  # files keep a key through its last instant
    assert signed_in(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))


def test_an_ipv6_network_is_one_address(client, editor, settings):
    for number in range(settings.LOGIN_FREE_FAILURES):
        sign_in(client, editor.username, "devine", ip=f"2001:db8::{number + 1}")
    assert "réessayez dans 1 seconde" in text(sign_in(client, editor.username, PASSWORD, ip="2001:db8::99"))
    assert signed_in(sign_in(client, editor.username, PASSWORD, ip="2001:db8:1::1"))


def test_an_unknown_login_waits_like_a_known_one(client, editor, settings):
    answers = []
    for login in (editor.username, "personne"):
        for _ in range(settings.LOGIN_FREE_FAILURES):
            sign_in(client, login, "devine", ip=ATTACKER)
        answers.append(sign_in(client, login, "devine", ip=ATTACKER).context["form"].non_field_errors())
    assert "réessayez dans 1 seconde." in answers[0][0]
    assert answers[0] == answers[1]  # no telling which logins exist


def test_tries_sent_together_are_checked_one_at_a_time(client, editor):
    # Sent while another try of the same account from the same address is being checked: refused, so
    # that a burst cannot slip through a wait. From another address: checked at once.
    answers = {}

    def while_checking(request, **credentials):
        if not answers:
            answers["same"] = sign_in(Client(), editor.username, PASSWORD, ip=ATTACKER)
            answers["elsewhere"] = sign_in(Client(), editor.username, PASSWORD, ip=OFFICE)
        return authenticate(request, **credentials)

    with mock.patch("django.contrib.auth.forms.authenticate", side_effect=while_checking):
        assert signed_in(sign_in(client, editor.username, PASSWORD, ip=ATTACKER))
    assert "Une autre tentative de connexion à ce compte est en cours" in text(answers["same"])
    assert signed_in(answers["elsewhere"])
    assert signed_in(sign_in(Client(), editor.username, PASSWORD, ip=ATTACKER))  # nothing left held


def test_failures_and_refusals_are_logged(client, editor, settings, caplog):
    settings.LOGIN_FREE_FAILURES = 1
    with caplog.at_level(logging.WARNING, logger="common.login"):
        sign_in(client, editor.username, "mauvais", ip="192.0.2.20")
        sign_in(client, editor.username, PASSWORD, ip="192.0.2.20")
    messages = [record.getMessage() for record in caplog.records if record.name == "common.login"]
    assert messages == [
        f"Sign-in failed: login '{editor.username}' from 192.0.2.20 (failure 1 of this login from there)",
        f"Sign-in refused (wait, 1 s left): login '{editor.username}' from 192.0.2.20",
    ]
