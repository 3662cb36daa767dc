"""Subscribing to the newsletters as a reader does: the footer's form, the article's, /lettres/, the
confirmation mail and its link, the manage page, the one-click unsubscription — without a cookie,
without telling anyone whether an address was already known."""

import re
import shutil
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from budgets import ARTICLE_PAGE_QUERIES, READER_PAGE_BUDGET
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from test_html_validity import VNU_JAR, nu_errors

from newsletters import subscribing
from newsletters.caching import LISTS_TAG, OPEN_LISTS_KEY
from newsletters.models import Delivery, Edition, NewsletterList, Subscriber, Subscription
from outbox.models import Mail

pytestmark = pytest.mark.django_db

SUBSCRIBE_URL = "/lettres/"
SAME_SITE = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}


def the_list(slug: str, **fields) -> NewsletterList:
    """One of the lists migration 0002 creates; made again after a test that emptied the database."""
    return NewsletterList.objects.get_or_create(slug=slug, defaults=fields)[0]


def migrated_lists() -> tuple[NewsletterList, NewsletterList]:
    return (
        the_list("lettre-du-matin", name="La lettre du matin", kind="daily", position=1),
        the_list("alerte-info", name="Alerte info", kind="alert", position=2),
    )


@pytest.fixture(autouse=True)
def morning():
    return migrated_lists()[0]


@pytest.fixture
def alerts():
    return migrated_lists()[1]


def post(client, data, headers=SAME_SITE, **kwargs):
    return client.post(SUBSCRIBE_URL, data, headers=headers, **kwargs)


def form_fields(html: str, form_class: str) -> dict[str, str]:
    """The named inputs of the first form of this class in the page: what a browser would send."""
    form = re.search(rf'<form class="{form_class}"[^>]*action="([^"]+)".*?</form>', html, re.S)
    assert form, f"no {form_class} form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    names = re.findall(r'<input[^>]* name="([^"]+)"', form.group(0))
    return {"action": form.group(1), "names": names, **fields}


def confirmation_mails():
    return list(Mail.objects.filter(kind=subscribing.CONFIRMATION_KIND).order_by("pk"))


def confirm_link(mail) -> str:
    path = re.search(r"https?://[^/\s]+(/lettres/confirmer/[^\s]+/)", mail.body).group(1)
    assert path in unescape(mail.html_body)
    return path


def manage_link(mail) -> str:
    return re.search(r"https?://[^/\s]+(/lettres/abonnement/[^\s]+/)", mail.body).group(1)


def sent_page(client, response):
    """Follow the answer to a request: the one page every request gets."""
    assert response.status_code == 303
    assert response["Location"] == f"{SUBSCRIBE_URL}?demande=envoyee"
    return client.get(response["Location"])


# The forms on every reader page ---------------------------------------------------------------


def test_the_home_page_footer_offers_the_morning_letter_without_cookie_or_token(client, morning, make_article):
    make_article("Metz : la rentrée des classes")
    response = client.get("/")
    html = response.content.decode()
    fields = form_fields(html, "nl")
    assert fields["action"] == SUBSCRIBE_URL and fields["lettre"] == "lettre-du-matin"
    assert {"email", "website", "lettre"} <= set(fields["names"])
    assert "La lettre du matin" in html and subscribing.consent_text("La lettre du matin") in unescape(html)
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies and "Set-Cookie" not in response


def test_an_article_ends_with_the_form_and_shows_it_once(client, make_article):
    article = make_article("Nancy : le tram repart")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="nl"') == 1  # the article's, not the footer's too
    assert 'id="nl-article-e"' in html and 'id="nl-pied-e"' not in html
    assert form_fields(html, "nl")["lettre"] == "lettre-du-matin"
    # Where a reader who has finished the article is: before the comments, not under them.
    assert html.index('id="nl-article-e"') < html.index('id="commentaires"')


def test_a_closed_letter_leaves_the_forms_and_its_pages_are_purged(client, morning, alerts, page_cache, make_article):
    article_url = make_article("Verdun : le pont rouvert").get_absolute_url()
    for url in ("/", article_url):
        assert 'name="lettre"' in client.get(url).content.decode()
        assert client.get(url)["X-Cache"] == "HIT"
    morning.is_open = False
    morning.save()
    for url in ("/", article_url):
        response = client.get(url)
        assert response["X-Cache"] != "HIT"
        assert 'name="lettre"' not in response.content.decode()  # « Alerte info » is not the morning letter
    page = client.get(SUBSCRIBE_URL).content.decode()
    assert 'value="alerte-info"' in page and 'value="lettre-du-matin"' not in page


def test_the_forms_cost_no_query_once_the_lists_are_cached(client, make_article, django_assert_num_queries):
    article = make_article("Thionville : le marché de Noël")
    client.get(article.get_absolute_url())  # the menu, the footer and the lists, kept for every page after
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES) as queries:
        html = client.get(article.get_absolute_url()).content.decode()
    assert 'name="lettre"' in html and len(queries) <= READER_PAGE_BUDGET
    client.get("/")
    with django_assert_num_queries(3):
        assert 'name="lettre"' in client.get("/").content.decode()
    cache.delete(OPEN_LISTS_KEY)
    with django_assert_num_queries(4):  # the lists read again, once
        client.get("/")


def test_the_full_page_offers_every_open_list_with_its_description_and_is_cached(client, page_cache, alerts):
    alerts.description = "Les informations importantes, dès qu’elles tombent."
    alerts.save()
    first = client.get(SUBSCRIBE_URL)
    second = client.get(SUBSCRIBE_URL)
    html = second.content.decode()
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert LISTS_TAG in second["Cache-Tag"].split(",")
    assert 'name="lettres" value="lettre-du-matin"' in html and 'name="lettres" value="alerte-info"' in html
    assert "dès qu’elles tombent" in html
    assert 'name="lettre"' not in html  # no second form in the footer
    assert not second.cookies


# Subscribing, confirming ------------------------------------------------------------------------


def test_subscribe_from_the_footer_then_confirm_by_the_mail(client, morning, make_article):
    make_article("Épinal : la fête des images")
    home = client.get("/").content.decode()
    fields = form_fields(home, "nl")
    response = post(client, {"lettre": fields["lettre"], "email": " Jeanne@Exemple.FR ", "website": ""})
    page = sent_page(client, response).content.decode()
    assert "Vérifiez votre boîte de réception" in page and "jeanne" not in page.lower()

    subscriber = Subscriber.objects.get()
    assert subscriber.email == "jeanne@exemple.fr" and subscriber.confirmed_at is None
    subscription = subscriber.subscriptions.get()
    assert subscription.newsletter == morning and subscription.status == Subscription.Status.PENDING
    # The consent as the reader saw it next to the button, kept as proof with its date.
    assert subscription.consent_text == subscribing.consent_text("La lettre du matin")
    assert subscription.consent_text in unescape(home)
    assert subscription.requested_at is not None

    [mail] = confirmation_mails()
    assert mail.recipients == ["jeanne@exemple.fr"] and "La lettre du matin" in mail.subject
    assert mail.html_body and "Confirmer mon inscription" in mail.html_body
    link = confirm_link(mail)

    # Following the link confirms nothing (mail scanners follow links): a button does.
    shown = client.get(link)
    assert shown.status_code == 200 and "Confirmer mon inscription" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"] and shown["Referrer-Policy"] == "same-origin"
    assert "jeanne" not in shown.content.decode().lower()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING

    done = client.post(link, headers=SAME_SITE)
    assert done.status_code == 200 and "Votre inscription est confirmée" in done.content.decode()
    subscription.refresh_from_db()
    subscriber.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE and subscription.confirmed_at is not None
    assert subscriber.confirmed_at is not None
    assert subscription.consent_text == subscribing.consent_text("La lettre du matin")


def test_subscribe_from_the_end_of_an_article(client, make_article, morning):
    article = make_article("Lunéville : le château rouvre")
    fields = form_fields(client.get(article.get_absolute_url()).content.decode(), "nl")
    response = post(client, {"lettre": fields["lettre"], "email": "paul@exemple.fr"})
    sent_page(client, response)
    assert Subscription.objects.get().newsletter == morning
    assert len(confirmation_mails()) == 1


def test_the_full_page_subscribes_to_the_lists_ticked(client, morning, alerts):
    response = post(client, {"lettres": ["lettre-du-matin", "alerte-info"], "email": "luc@exemple.fr"})
    sent_page(client, response)
    subscriptions = Subscription.objects.order_by("newsletter__position")
    assert {sub.newsletter for sub in subscriptions} == {morning, alerts}
    assert {sub.consent_text for sub in subscriptions} == {subscribing.consent_text()}
    assert subscribing.consent_text() in unescape(client.get(SUBSCRIBE_URL).content.decode())
    [mail] = confirmation_mails()
    assert "La lettre du matin" in mail.body and "Alerte info" in mail.body


def test_an_expired_link_says_nothing_and_offers_to_subscribe_again(client, morning):
    post(client, {"lettre": "lettre-du-matin", "email": "anne@exemple.fr"})
    link = confirm_link(confirmation_mails()[0])
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        expired = client.get(link)
        forged = client.get(link[:-3] + "xx/")
        posted = client.post(link, headers=SAME_SITE)
    for response in (expired, forged, posted):
        html = response.content.decode()
        assert "Ce lien a expiré" in html and "M’inscrire à nouveau" in html
        assert "anne" not in html and "Confirmer mon inscription" not in html
    assert expired.content == forged.content
    assert Subscription.objects.get().status == Subscription.Status.PENDING


@pytest.mark.parametrize("state", ["new", "pending", "active", "unsubscribed"])
def test_a_second_request_gets_the_same_page_whatever_the_address_state(client, morning, state):
    def answer(email):
        response = post(client, {"lettre": "lettre-du-matin", "email": email})
        return response.status_code, response["Location"], sent_page(client, response).content

    baseline = answer("inconnue@exemple.fr")
    email = "connue@exemple.fr"
    if state != "new":
        subscriber = Subscriber.objects.create(email=email, confirmation_sent_at=timezone.now() - timedelta(hours=1))
        status = {"pending": "pending", "active": "active", "unsubscribed": "unsubscribed"}[state]
        Subscription.objects.create(subscriber=subscriber, newsletter=morning, status=status, consent_text="…")
    assert answer(email) == baseline
    mail = confirmation_mails()[-1]
    assert mail.recipients == [email]
    if state == "active":
        # The mail, read by the address's owner alone, says so and leads to the manage page.
        assert "reçoit déjà" in mail.body and "/lettres/confirmer/" not in mail.body
        assert client.get(manage_link(mail)).status_code == 200
        assert Subscription.objects.get(subscriber__email=email).status == Subscription.Status.ACTIVE
    else:
        assert "/lettres/confirmer/" in mail.body
        assert Subscription.objects.get(subscriber__email=email).status == Subscription.Status.PENDING


def test_the_mail_confirms_what_is_new_and_names_what_the_address_already_receives(client, morning, alerts):
    subscriber = Subscriber.objects.create(email="lea@exemple.fr", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, newsletter=morning, status="active", consent_text="…")
    post(client, {"lettres": ["lettre-du-matin", "alerte-info"], "email": "lea@exemple.fr"})
    [mail] = confirmation_mails()
    waiting, already = mail.body.split("reçoit déjà")
    assert "Alerte info" in waiting and "La lettre du matin" not in waiting and "La lettre du matin" in already
    assert "« Alerte info »" in mail.subject
    client.post(confirm_link(mail), headers=SAME_SITE)
    assert subscriber.subscriptions.active().count() == 2
    assert client.get(manage_link(mail)).status_code == 200


def test_an_address_is_not_mailed_again_within_minutes(client, morning, alerts):
    post(client, {"lettre": "lettre-du-matin", "email": "zoe@exemple.fr"})
    again = post(client, {"lettres": ["alerte-info"], "email": "zoe@exemple.fr"})
    assert again.status_code == 303  # the same answer
    assert len(confirmation_mails()) == 1
    # The first mail's link confirms what waits now, and its page names it all first.
    link = confirm_link(confirmation_mails()[0])
    page = client.get(link).content.decode()
    assert "La lettre du matin" in page and "Alerte info" in page
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        post(client, {"lettre": "lettre-du-matin", "email": "zoe@exemple.fr"})
    assert len(confirmation_mails()) == 2


def test_an_unsubscribed_address_asking_again_keeps_its_record_until_it_confirms(client, morning):
    subscriber = Subscriber.objects.create(email="max@exemple.fr")
    Subscription.objects.create(subscriber=subscriber, newsletter=morning, status="active", consent_text="Ancien")
    subscribing.unsubscribe(subscriber, morning, reason=Subscription.Reason.ONE_CLICK)
    post(client, {"lettre": "lettre-du-matin", "email": "max@exemple.fr"})
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.PENDING and subscription.unsubscribed_at is not None

    # Never confirmed: back to its unsubscription, whose record it kept.
    assert subscribing.delete_expired(now=timezone.now() + timedelta(days=8)) == 1
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.unsubscribe_reason == Subscription.Reason.ONE_CLICK

    # Asked again and confirmed: subscribed, the old unsubscription cleared.
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=None)
    post(client, {"lettre": "lettre-du-matin", "email": "max@exemple.fr"})
    client.post(confirm_link(confirmation_mails()[-1]), headers=SAME_SITE)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE and subscription.unsubscribed_at is None


# What is refused, and how ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"origin": "https://pirate.example"}, {"sec-fetch-site": "cross-site"}, {"origin": "null"}],
)
def test_a_cross_site_post_is_refused_with_the_address_kept(headers, morning):
    client = Client(enforce_csrf_checks=True)
    response = client.post(SUBSCRIBE_URL, {"lettre": "lettre-du-matin", "email": "ida@exemple.fr"}, headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "doit être envoyé depuis notre site" in html
    assert 'value="ida@exemple.fr"' in html
    assert re.search(r'value="lettre-du-matin"[^>]* checked', html)
    assert not Subscriber.objects.exists() and not confirmation_mails()


def test_a_post_without_origin_nor_cookie_is_accepted(morning):
    client = Client(enforce_csrf_checks=True)
    response = client.post(SUBSCRIBE_URL, {"lettre": "lettre-du-matin", "email": "old@exemple.fr"})
    assert response.status_code == 303 and Subscriber.objects.count() == 1


def test_the_honeypot_gets_the_same_answer_and_nothing_is_kept(client, morning):
    response = post(client, {"lettre": "lettre-du-matin", "email": "bot@exemple.fr", "website": "http://spam"})
    sent_page(client, response)
    assert not Subscriber.objects.exists() and not confirmation_mails()


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("jeanne@", "Saisissez une adresse e-mail valide"),
        ("", "Indiquez l’adresse e-mail"),
    ],
)
def test_a_bad_address_is_explained_next_to_the_field_with_the_input_kept(client, morning, email, error):
    response = post(client, {"lettre": "lettre-du-matin", "email": email})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    field = re.search(r'<div class="field has-error">(.*?)</div>', html, re.S).group(1)
    assert error in field and f'value="{email}"' in field and 'aria-invalid="true"' in field
    assert re.search(r'value="lettre-du-matin"[^>]* checked', html)
    assert "no-store" in response["Cache-Control"]
    assert not Subscriber.objects.exists()


def test_no_list_ticked_or_a_closed_list_is_explained(client, morning):
    response = post(client, {"email": "eve@exemple.fr"})
    assert response.status_code == 400 and "Cochez au moins une lettre." in response.content.decode()
    assert 'value="eve@exemple.fr"' in response.content.decode()
    morning.is_open = False
    morning.save()
    response = post(client, {"lettre": "lettre-du-matin", "email": "eve@exemple.fr"})
    assert response.status_code == 400 and "n’est plus proposée" in unescape(response.content.decode())
    assert not Subscriber.objects.exists()


def test_one_sender_is_slowed_down(client, morning):
    for index in range(subscribing.SENDER_LIMIT):
        assert post(client, {"lettre": "lettre-du-matin", "email": f"r{index}@exemple.fr"}).status_code == 303
    response = post(client, {"lettre": "lettre-du-matin", "email": "encore@exemple.fr"})
    assert response.status_code == 429
    assert (
        "beaucoup de demandes" in response.content.decode() and 'value="encore@exemple.fr"' in response.content.decode()
    )
    assert Subscriber.objects.count() == subscribing.SENDER_LIMIT
    other = post(client, {"lettre": "lettre-du-matin", "email": "voisin@exemple.fr"}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 303


def test_delete_expired_forgets_what_was_never_confirmed(client, morning, alerts):
    post(client, {"lettre": "lettre-du-matin", "email": "oubli@exemple.fr"})
    post(client, {"lettres": ["lettre-du-matin", "alerte-info"], "email": "fidele@exemple.fr"})
    client.post(confirm_link(confirmation_mails()[-1]), headers=SAME_SITE)
    assert subscribing.delete_expired() == 0
    assert subscribing.delete_expired(now=timezone.now() + timedelta(days=6)) == 0
    assert subscribing.delete_expired(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["fidele@exemple.fr"]
    assert Subscription.objects.active().count() == 2


# The manage page -------------------------------------------------------------------------------


@pytest.fixture
def subscriber(morning):
    subscriber = Subscriber.objects.create(email="claire@exemple.fr", confirmed_at=timezone.now())
    Subscription.objects.create(
        subscriber=subscriber, newsletter=morning, status="active", consent_text="…", confirmed_at=timezone.now()
    )
    return subscriber


def manage_url(subscriber):
    return reverse("newsletters:manage", args=[subscriber.key])


def test_the_manage_page_never_shows_the_address_and_is_never_cached(client, subscriber, page_cache):
    response = client.get(manage_url(subscriber))
    html = response.content.decode()
    assert response.status_code == 200 and "l’adresse qui a reçu ce courriel" in unescape(html)
    assert "claire" not in html.lower() and "exemple.fr" not in html
    assert re.search(r'value="lettre-du-matin"[^>]* checked', html)
    assert re.search(r'value="alerte-info"(?![^>]* checked)', html)
    assert "no-store" in response["Cache-Control"] and "Cache-Tag" not in response
    assert response["Referrer-Policy"] == "same-origin" and not response.cookies
    assert client.get(manage_url(subscriber)).get("X-Cache") != "HIT"


def test_the_manage_page_changes_the_lists(client, subscriber, morning, alerts):
    response = client.post(manage_url(subscriber), {"lettres": ["alerte-info"]}, headers=SAME_SITE)
    assert response.status_code == 200 and "Vos choix sont enregistrés" in response.content.decode()
    morning_sub = subscriber.subscriptions.get(newsletter=morning)
    alert_sub = subscriber.subscriptions.get(newsletter=alerts)
    assert morning_sub.status == Subscription.Status.UNSUBSCRIBED
    assert morning_sub.unsubscribe_reason == Subscription.Reason.READER
    assert alert_sub.status == Subscription.Status.ACTIVE
    assert alert_sub.consent_text == subscribing.manage_consent_text() and alert_sub.confirmed_at

    client.post(manage_url(subscriber), {"tout": "1"}, headers=SAME_SITE)
    assert not subscriber.subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED).exists()


def test_the_manage_page_refuses_a_cross_site_post(client, subscriber):
    response = client.post(manage_url(subscriber), {"tout": "1"}, headers={"origin": "https://pirate.example"})
    assert response.status_code == 403
    assert subscriber.subscriptions.active().count() == 1


def test_a_closed_list_the_reader_is_on_stays_on_the_manage_page(client, subscriber, morning):
    morning.is_open = False
    morning.save()
    html = client.get(manage_url(subscriber)).content.decode()
    assert re.search(r'value="lettre-du-matin"[^>]* checked', html)


def test_an_unknown_key_is_a_french_404(client):
    response = client.get("/lettres/abonnement/inconnue/")
    assert response.status_code == 404 and "Ce lien n’est pas valable" in unescape(response.content.decode())


# One-click unsubscription ----------------------------------------------------------------------


@pytest.fixture
def edition(morning):
    return Edition.objects.create(newsletter=morning, subject="La lettre du matin du 7 décembre")


def unsubscribe_url(subscriber, edition):
    return reverse("newsletters:unsubscribe", args=[subscriber.key, edition.pk])


def test_one_click_post_from_a_mail_provider_unsubscribes_at_once(subscriber, edition, morning):
    delivery = Delivery.objects.create(edition=edition, subscriber=subscriber, status="sent")
    provider = Client(enforce_csrf_checks=True)  # no cookie, no Origin, no token
    url = unsubscribe_url(subscriber, edition)
    response = provider.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "Vous êtes désinscrit" in unescape(response.content.decode())
    assert not response.cookies
    subscription = subscriber.subscriptions.get(newsletter=morning)
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.unsubscribe_reason == Subscription.Reason.ONE_CLICK
    delivery.refresh_from_db()
    assert delivery.unsubscribed_at is not None
    # Again: harmless.
    again = provider.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribe_reason == Subscription.Reason.ONE_CLICK


def test_a_get_of_the_unsubscribe_address_only_shows_a_button(client, subscriber, edition):
    response = client.get(unsubscribe_url(subscriber, edition))
    html = unescape(response.content.decode())
    assert response.status_code == 200 and "Se désinscrire de « La lettre du matin »" in html
    assert 'name="List-Unsubscribe" value="One-Click"' in html
    assert manage_url(subscriber) in html and "claire" not in html
    assert subscriber.subscriptions.active().count() == 1


def test_an_unknown_key_or_edition_is_a_french_404(client, subscriber, edition):
    for url in (f"/lettres/desinscription/inconnue/{edition.pk}/", f"/lettres/desinscription/{subscriber.key}/999999/"):
        assert client.post(url).status_code == 404
        response = client.get(url)
        assert response.status_code == 404 and "Ce lien n’est pas valable" in unescape(response.content.decode())
    assert subscriber.subscriptions.active().count() == 1


# Valid HTML ------------------------------------------------------------------------------------


@pytest.mark.skipif(
    not (shutil.which("java") and VNU_JAR.exists()), reason="Java and vnu-jar: scripts/ensure-packages.sh"
)
def test_every_page_of_subscribing_and_the_confirmation_mail_are_valid_html(client, subscriber, edition, tmp_path):
    post(client, {"lettres": ["alerte-info"], "email": "claire@exemple.fr"})
    link = confirm_link(confirmation_mails()[0])
    pages = {
        "subscribe": client.get(SUBSCRIBE_URL),
        "sent": client.get(f"{SUBSCRIBE_URL}?demande=envoyee"),
        "in-error": post(client, {"lettre": "lettre-du-matin", "email": "claire@"}),
        "confirm": client.get(link),
        "confirmed": client.post(link, headers=SAME_SITE),
        "expired": client.get(link[:-3] + "xx/"),
        "manage": client.get(manage_url(subscriber)),
        "unsubscribe": client.get(unsubscribe_url(subscriber, edition)),
        "unsubscribed": client.post(unsubscribe_url(subscriber, edition)),
        "unknown": client.get("/lettres/abonnement/inconnue/"),
    }
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    (tmp_path / "mail.html").write_text(confirmation_mails()[0].html_body)
    assert nu_errors(tmp_path) == {}
