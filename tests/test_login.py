"""Signing in to the admin: wrong passwords counted per account and per address, a French refusal past the
limits even with the right password, unlocked by time or by an administrator, every attempt logged."""

import logging
from datetime import timedelta

import pytest
import time_machine
from admin_pages import action_post
from django.contrib.auth import get_user_model
from django.urls import reverse
from factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Trop de tentatives de connexion"


def sign_in(client, user, password, ip="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": user.get_username(), "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, editor):
    for attempt in range(30):
        assert not signed_in(sign_in(client, editor, f"devine-{attempt}"))
    response = sign_in(client, editor, PASSWORD)
    assert not signed_in(response)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_account_is_locked_from_every_address(client, editor, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    for attempt in range(5):
        sign_in(client, editor, "mauvais", ip=f"198.51.100.{attempt}")
    assert LOCKED in sign_in(client, editor, PASSWORD, ip="192.0.2.99").content.decode()


def test_an_address_is_locked_for_every_account(client, editor, journalist, make_user, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for number in range(3):
        sign_in(client, make_user(f"inconnu{number}"), "mauvais", ip="2001:db8::1")
    # Another account, from the same IPv6 network (/64): refused too; from elsewhere: signed in.
    assert LOCKED in sign_in(client, journalist, PASSWORD, ip="2001:db8::2").content.decode()
    assert signed_in(sign_in(client, journalist, PASSWORD, ip="192.0.2.1"))


def test_the_lock_lifts_by_itself(client, editor, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        sign_in(client, editor, "mauvais")
    assert not signed_in(sign_in(client, editor, PASSWORD))
    with time_machine.travel(timedelta(seconds=settings.LOGIN_LOCK_SECONDS + 5)):
        assert signed_in(sign_in(client, editor, PASSWORD))


def test_an_administrator_lifts_the_lock(client, editor, make_user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        sign_in(client, editor, "mauvais", ip=f"192.0.2.{_}")
    administrator = make_user("admin-redac", is_superuser=True)
    client.force_login(administrator)
    response = client.post(reverse("admin:auth_user_changelist"), action_post("unlock_sign_in", editor), follow=True)
    assert "La connexion de 1 compte est débloquée." in response.content.decode()
    client.logout()
    assert signed_in(sign_in(client, editor, PASSWORD, ip="192.0.2.50"))


def test_a_right_password_forgets_the_accounts_earlier_failures(client, editor, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(2):
        sign_in(client, editor, "mauvais", ip="192.0.2.10")
    assert signed_in(sign_in(client, editor, PASSWORD, ip="192.0.2.11"))
    client.logout()
    for _ in range(2):
        sign_in(client, editor, "mauvais", ip="192.0.2.12")
    assert signed_in(sign_in(client, editor, PASSWORD, ip="192.0.2.13"))


def test_failures_and_refusals_are_logged(client, editor, settings, caplog):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 1
    with caplog.at_level(logging.WARNING, logger="common.login"):
        sign_in(client, editor, "mauvais", ip="192.0.2.20")
        sign_in(client, editor, PASSWORD, ip="192.0.2.20")
    messages = [record.getMessage() for record in caplog.records if record.name == "common.login"]
    assert messages == [
        f"Sign-in failed: login '{editor.username}' from 192.0.2.20",
        f"Sign-in refused (too many failures): login '{editor.username}' from 192.0.2.20",
    ]


def test_an_unknown_login_is_counted_like_a_known_one(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    ghost = get_user_model()(username="personne")
    for _ in range(2):
        assert LOCKED not in sign_in(client, ghost, "x").content.decode()
    assert LOCKED in sign_in(client, ghost, "x").content.decode()  # no telling which logins exist
