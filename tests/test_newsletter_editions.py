"""Newsletter editions and the editors' desk: assembly from the front page, the sections and a
territory; the automatic edition made once however often the worker asks; the edition's page
(reorder, add, remove, schedule, test, preview, send) through the admin; figures in one query;
the alert in one click; a sent edition read-only; who may do it."""

import datetime
import io
import re
import threading
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from articles.models import Article, FrontPageComposition
from newsletters import admin_editions, editions
from newsletters.editions import EditionError, new_edition, prepare_automatic_editions, send_alert
from newsletters.models import Delivery, Edition, EditionItem, NewsletterList, Subscriber, Subscription
from outbox.models import Mail

pytestmark = pytest.mark.django_db

PARIS = timezone.get_default_timezone()
# A Monday morning, fixed: the tests never read today's date.
MONDAY = datetime.datetime(2026, 12, 7, 5, 0, tzinfo=PARIS)
LIST_URL = reverse("admin:newsletters_edition_changelist")
ADD_URL = reverse("admin:newsletters_edition_add")


def change_url(edition):
    return reverse("admin:newsletters_edition_change", args=[edition.pk])


def titles(edition) -> list[str]:
    return [item.article.title for item in edition.items.select_related("article").order_by("position")]


@pytest.fixture
def morning():
    return NewsletterList.objects.get(slug="lettre-du-matin")


@pytest.fixture
def alert_list():
    return NewsletterList.objects.get(slug="alerte-info")


@pytest.fixture
def at_monday():
    with time_machine.travel(MONDAY, tick=False):
        yield MONDAY


def published(make_article, title, hours_ago, **fields):
    return make_article(title, published_at=MONDAY - timedelta(hours=hours_ago), **fields)


def sent_edition(newsletter, covers_until, **fields) -> Edition:
    return Edition.objects.create(
        newsletter=newsletter, subject="Précédente", status=Edition.Status.SENT, covers_until=covers_until, **fields
    )


def form_data(edition, *articles, **extra) -> dict:
    """The edition's form as the page sends it: its text and its articles in this order."""
    data = {"subject": edition.subject, "editorial": edition.editorial, "q": ""}
    data["article"] = [str(article.pk) for article in articles]
    for number, article in enumerate(articles, start=1):
        data[f"position_{article.pk}"] = str(number)
    data.update(extra)
    return data


# Assembly --------------------------------------------------------------------------------------


def test_a_morning_edition_is_the_front_page_then_each_sections_news_since_the_previous_one(
    at_monday, morning, make_article, make_section
):
    politics, sport = make_section("Politique", menu_position=1), make_section("Sport", menu_position=2)
    lead = published(make_article, "La une", 30, section=sport)  # old, but leads the front page
    second = published(make_article, "Deuxième de la une", 2, section=politics)
    FrontPageComposition.objects.compose([lead, second], takes_effect_at=MONDAY - timedelta(hours=3))
    sent_edition(morning, MONDAY - timedelta(hours=12))
    published(make_article, "Trop ancien", 13, section=politics)
    news = [published(make_article, f"Politique {n}", n, section=politics) for n in range(3, 8)]
    match = published(make_article, "Match du soir", 4, section=sport)

    edition = new_edition(morning, now=MONDAY)

    assert (
        titles(edition)
        == [
            "La une",
            "Deuxième de la une",  # once, though it is new in its section too
            *[article.title for article in news[:3]],  # three a section, newest first, in the menu's order
            match.title,
        ]
    )
    assert edition.subject == "La lettre du matin du lundi 7 décembre 2026"
    assert edition.covers_until == MONDAY and edition.status == Edition.Status.DRAFT


def test_sections_follow_the_menu_order(at_monday, morning, make_article, make_section):
    second = make_section("Économie", menu_position=2)
    first = make_section("Faits divers", menu_position=1)
    published(make_article, "Usine", 2, section=second)
    published(make_article, "Accident", 3, section=first)
    assert titles(new_edition(morning, now=MONDAY)) == ["Accident", "Usine"]


def test_the_first_edition_covers_the_last_day_and_drafts_do_not_count(at_monday, morning, make_article, section):
    published(make_article, "Hier matin", 25, section=section)
    published(make_article, "Hier soir", 10, section=section)
    Edition.objects.create(newsletter=morning, subject="Brouillon oublié", covers_until=MONDAY - timedelta(hours=1))
    assert titles(new_edition(morning, now=MONDAY)) == ["Hier soir"]


def test_an_edition_has_at_most_fifteen_articles(at_monday, morning, make_article, make_section):
    for n in range(6):
        section = make_section(f"Rubrique {n}")
        for m in range(3):
            published(make_article, f"R{n} A{m}", 1 + m, section=section)
    assert len(titles(new_edition(morning, now=MONDAY))) == editions.MAX_ITEMS


def test_a_territory_edition_takes_the_articles_about_it_and_its_places(
    at_monday, make_article, make_territory, section
):
    metz = make_territory("Metz")
    sablon = make_territory("Sablon", parent=metz)
    nancy = make_territory("Nancy")
    letter = NewsletterList.objects.create(
        name="L’essentiel de Metz", slug="metz", kind=NewsletterList.Kind.TERRITORY, territory=metz
    )
    published(make_article, "Conseil municipal", 2, section=section, territories=[metz])
    published(make_article, "Fête au Sablon", 3, section=section, territories=[sablon])
    published(make_article, "À Nancy", 1, section=section, territories=[nancy])
    published(make_article, "Avant la précédente", 30, section=section, territories=[metz])
    sent_edition(letter, MONDAY - timedelta(hours=24))

    edition = new_edition(letter, now=MONDAY)
    assert titles(edition) == ["Conseil municipal", "Fête au Sablon"]
    assert edition.subject == "L’essentiel de Metz — lundi 7 décembre 2026"


def test_assemble_redoes_a_draft_but_never_one_an_editor_changed(at_monday, morning, make_article, section):
    edition = new_edition(morning, now=MONDAY)
    assert titles(edition) == []
    published(make_article, "Tombé depuis", 0.5, section=section)
    assert editions.assemble(edition, now=MONDAY) is True
    assert titles(edition) == ["Tombé depuis"]

    edition.edited_by_hand = True
    edition.save()
    published(make_article, "Encore un", 0.2, section=section)
    assert editions.assemble(edition, now=MONDAY) is False
    assert titles(edition) == ["Tombé depuis"]


# The worker's automatic editions ---------------------------------------------------------------


def test_the_morning_edition_is_made_once_an_hour_before_and_scheduled_for_its_time(morning, make_article, section):
    published(make_article, "Dans la nuit", 3, section=section)
    six_thirty = MONDAY.replace(hour=6, minute=30)
    with time_machine.travel(MONDAY.replace(hour=5, minute=29), tick=False):
        assert prepare_automatic_editions(timezone.now()) == []
    for minute in range(30, 60):  # every minute of the worker's tick, and more than one worker
        with time_machine.travel(MONDAY.replace(hour=5, minute=minute), tick=False):
            prepare_automatic_editions(timezone.now())
            prepare_automatic_editions(timezone.now())
    with time_machine.travel(six_thirty + timedelta(minutes=20), tick=False):
        prepare_automatic_editions(timezone.now())

    edition = morning.editions.get()
    assert edition.status == Edition.Status.SCHEDULED
    assert edition.scheduled_for == six_thirty
    assert edition.covers_until == MONDAY.replace(hour=5, minute=30)
    assert titles(edition) == ["Dans la nuit"]

    # Moved to 6 h 45 by an editor, it is still the day's edition; the next day has its own.
    Edition.objects.filter(pk=edition.pk).update(scheduled_for=six_thirty + timedelta(minutes=15))
    with time_machine.travel(MONDAY.replace(hour=5, minute=45), tick=False):
        assert prepare_automatic_editions(timezone.now()) == []
    with time_machine.travel(MONDAY.replace(hour=5, minute=30) + timedelta(days=1), tick=False):
        made = prepare_automatic_editions(timezone.now())
    assert [e.subject for e in made] == ["La lettre du matin du mardi 8 décembre 2026"]
    assert made[0].scheduled_for == six_thirty + timedelta(days=1)


def test_an_automatic_edition_with_nothing_in_it_stays_a_draft(morning):
    with time_machine.travel(MONDAY.replace(hour=5, minute=40), tick=False):
        made = prepare_automatic_editions(timezone.now())
        assert prepare_automatic_editions(timezone.now()) == []
    assert [edition.status for edition in made] == [Edition.Status.DRAFT]
    with pytest.raises(EditionError, match="aucun article"):
        editions.check_sendable(made[0])


def test_a_list_without_send_time_gets_no_automatic_edition(morning, alert_list):
    morning.send_time = None
    morning.save()
    with time_machine.travel(MONDAY.replace(hour=5, minute=40), tick=False):
        assert prepare_automatic_editions(timezone.now()) == []
    assert not Edition.objects.exists()


# The edition's page ----------------------------------------------------------------------------


@pytest.fixture
def three(make_article, section):
    now = timezone.now()
    return [
        make_article(f"Dépêche {letter}", published_at=now - timedelta(hours=n + 1)) for n, letter in enumerate("ABC")
    ]


@pytest.fixture
def edition(morning, three):
    edition = Edition.objects.create(newsletter=morning, subject="La lettre du matin du lundi")
    EditionItem.objects.bulk_create(EditionItem(edition=edition, article=a, position=n) for n, a in enumerate(three, 1))
    return edition


def test_an_editor_prepares_an_edition_from_the_list_and_lands_on_its_page(editor_client, morning, three):
    page = editor_client.get(ADD_URL)
    assert "La lettre du matin" in page.content.decode() and "Alerte info" not in page.content.decode()
    refused = editor_client.post(ADD_URL, {"newsletter": ""})
    assert "Choisissez la lettre de cette édition." in refused.content.decode()

    response = editor_client.post(ADD_URL, {"newsletter": morning.pk})
    edition = morning.editions.get()
    assert response.status_code == 302 and response["Location"] == change_url(edition)
    assert titles(edition) == ["Dépêche A", "Dépêche B", "Dépêche C"]
    assert edition.created_by.username == "redactrice"


def test_reorder_add_and_remove_through_the_form_without_javascript(editor_client, edition, three, make_article):
    a, b, c = three
    page = editor_client.post(change_url(edition), form_data(edition, a, b, c, _move=f"up:{c.pk}"))
    html = page.content.decode()
    assert "« Dépêche C » placé en position 2" in html
    assert html.index("Dépêche C") < html.index("Dépêche B")
    assert titles(edition) == ["Dépêche A", "Dépêche B", "Dépêche C"]  # nothing saved while arranging

    page = editor_client.post(change_url(edition), form_data(edition, a, c, b, _remove=str(a.pk)))
    assert "« Dépêche A » retiré de l’édition" in page.content.decode()

    extra = make_article("Dépêche D")
    found = editor_client.post(change_url(edition), form_data(edition, c, b, q="Dépêche D", _search="1"))
    assert f'name="_add" value="{extra.pk}"' in found.content.decode()
    page = editor_client.post(change_url(edition), form_data(edition, c, b, _add=str(extra.pk)))
    assert "« Dépêche D » ajouté en position 3" in page.content.decode()

    saved = editor_client.post(
        change_url(edition), form_data(edition, c, b, extra, subject="Le matin, autrement", _save="1")
    )
    assert saved.status_code == 302
    edition.refresh_from_db()
    assert titles(edition) == ["Dépêche C", "Dépêche B", "Dépêche D"]
    assert edition.subject == "Le matin, autrement" and edition.edited_by_hand


def test_an_unpublished_article_cannot_be_added(editor_client, edition, three, make_article):
    draft = make_article("Pas encore relu", status=Article.Status.DRAFT)
    page = editor_client.post(change_url(edition), form_data(edition, *three, _add=str(draft.pk)))
    assert "Pas encore relu" not in page.content.decode()
    search = editor_client.get(reverse("admin:newsletters_edition_search"), {"q": "relu"})
    assert search.json() == {"results": []}
    search = editor_client.get(reverse("admin:newsletters_edition_search"), {"q": "Dépêche B"})
    assert [found["title"] for found in search.json()["results"]] == ["Dépêche B"]


def test_errors_in_french_next_to_the_field_and_nothing_typed_lost(editor_client, edition, three):
    page = editor_client.post(
        change_url(edition), form_data(edition, *three, subject="", editorial="Bonjour à tous", _save="1")
    )
    html = page.content.decode()
    assert page.status_code == 200 and "Ce champ est obligatoire." in html and "Bonjour à tous" in html

    past = editor_client.post(
        change_url(edition),
        form_data(edition, *three, scheduled_for_0="01/01/2020", scheduled_for_1="06:30", _schedule="1"),
    )
    assert "Cette date est passée" in past.content.decode() and 'value="01/01/2020"' in past.content.decode()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_an_editor_schedules_an_edition_in_paris_time(editor_client, edition, three):
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = editor_client.get(change_url(edition))
    assert f'value="{tomorrow:%d/%m/%Y}"' in page.content.decode()  # the list's next send time, proposed
    response = editor_client.post(
        change_url(edition),
        form_data(edition, *three, scheduled_for_0=f"{tomorrow:%d/%m/%Y}", scheduled_for_1="06:30", _schedule="1"),
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    assert edition.scheduled_for == datetime.datetime.combine(tomorrow, datetime.time(6, 30), tzinfo=PARIS)
    assert "elle partira le" in editor_client.get(change_url(edition)).content.decode()


def test_an_empty_edition_is_never_sent_nor_scheduled(editor_client, edition, three):
    tomorrow = timezone.localdate() + timedelta(days=1)
    for action in (
        {"_send": "1"},
        {"scheduled_for_0": f"{tomorrow:%d/%m/%Y}", "scheduled_for_1": "06:30", "_schedule": "1"},
    ):
        page = editor_client.post(change_url(edition), form_data(edition, **action))
        assert "aucun article" in page.content.decode()
        edition.refresh_from_db()
        assert edition.status == Edition.Status.DRAFT


def test_sending_now_asks_first_then_sends(editor_client, edition, three, morning):
    subscriber = Subscriber.objects.create(email="lectrice@example.org", confirmed_at=timezone.now())
    Subscription.objects.create(subscriber=subscriber, newsletter=morning, status="active", consent_text="Oui")
    asked = editor_client.post(change_url(edition), form_data(edition, *three, _send="1"))
    confirm = reverse("admin:newsletters_edition_send", args=[edition.pk])
    assert asked["Location"] == confirm
    page = editor_client.get(confirm).content.decode()
    assert "part maintenant à 1 abonné" in page
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    editor_client.post(confirm)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED and edition.scheduled_for <= timezone.now()


def test_a_test_goes_to_the_editor_and_an_editor_without_address_is_told(editor_client, editor, edition, three):
    editor.email = ""
    editor.save()
    page = editor_client.post(change_url(edition), form_data(edition, *three, editorial="Mot", _test="1"))
    html = page.content.decode()
    assert "Votre compte n’a pas d’adresse e-mail" in html and ">\nMot</textarea>" in html
    assert not Mail.objects.exists()

    editor.email = "redactrice@example.org"
    editor.save()
    response = editor_client.post(change_url(edition), form_data(edition, *three, _test="1"))
    assert response.status_code == 302
    mail = Mail.objects.get()
    assert mail.recipients == ["redactrice@example.org"] and mail.subject == "[Test] La lettre du matin du lundi"


def test_the_preview_is_the_real_mail_of_what_the_form_holds_and_nothing_is_saved(editor_client, edition, three):
    a, b, c = three
    preview = reverse("admin:newsletters_edition_preview", args=[edition.pk])
    response = editor_client.post(preview, form_data(edition, c, a, subject="Objet essayé"))
    html = response.content.decode()
    assert html.index("Dépêche C") < html.index("Dépêche A") and "Dépêche B" not in html
    assert "Objet essayé" in html and "Voir la version texte" in html
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    edition.refresh_from_db()
    assert edition.subject == "La lettre du matin du lundi" and titles(edition) == [
        "Dépêche A",
        "Dépêche B",
        "Dépêche C",
    ]

    text = editor_client.post(preview, form_data(edition, c, a, version="texte")).content.decode()
    assert "<pre" in text and "Dépêche C" in text and "Voir la version HTML" in text
    saved = editor_client.get(preview).content.decode()
    assert saved.index("Dépêche A") < saved.index("Dépêche C")


# Permissions, read-only, figures ---------------------------------------------------------------


def test_a_journalist_may_not_and_the_editors_may(journalist_client, edition, client, editor):
    for url in (LIST_URL, ADD_URL, change_url(edition), reverse("admin:newsletters_edition_search") + "?q=a"):
        assert journalist_client.get(url).status_code == 403, url
    assert journalist_client.post(change_url(edition), form_data(edition, _save="1")).status_code == 403
    client.force_login(editor)
    for url in (LIST_URL, ADD_URL, change_url(edition), reverse("admin:newsletters_newsletterlist_changelist")):
        assert client.get(url).status_code == 200, url


def test_a_sent_edition_is_read_only_with_its_figures(editor_client, edition, three):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT, sent_at=timezone.now())
    statuses = ["sent", "sent", "refused", "bounced"]
    for n, status in enumerate(statuses):
        subscriber = Subscriber.objects.create(email=f"abonne{n}@example.org")
        Delivery.objects.create(
            edition=edition, subscriber=subscriber, status=status, unsubscribed_at=timezone.now() if n == 0 else None
        )
    page = editor_client.get(change_url(edition))
    html = page.content.decode()
    assert 'name="_save"' not in html and "Chiffres de l’envoi" in html
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert figures == {"Destinataires": "4", "Envoyés": "3", "Refusés": "1", "Rejetés": "1", "Désabonnés": "1"}
    assert editor_client.post(change_url(edition), form_data(edition, *three, _save="1")).status_code == 403
    assert editor_client.post(reverse("admin:newsletters_edition_send", args=[edition.pk])).status_code == 403


def test_the_figures_of_every_edition_in_one_query(editor_client, morning, django_assert_num_queries):
    def editions_with_deliveries(count):
        for n in range(count):
            edition = Edition.objects.create(newsletter=morning, subject=f"Édition {n}", status="sent")
            for m, status in enumerate(["sent", "bounced", "refused"]):
                subscriber, _ = Subscriber.objects.get_or_create(email=f"a{m}@example.org")
                Delivery.objects.create(edition=edition, subscriber=subscriber, status=status)

    editions_with_deliveries(1)
    editor_client.get(LIST_URL)  # the session and the permissions read once
    with CaptureQueriesContext(connection) as one:
        editor_client.get(LIST_URL)
    editions_with_deliveries(9)
    with django_assert_num_queries(len(one.captured_queries)):
        page = editor_client.get(LIST_URL)
    row = re.search(r"Édition 3</a></th>(.*?)</tr>", page.content.decode(), re.S).group(1)
    assert re.findall(r'class="field-figure_\w+">(\d+)<', row) == ["3", "2", "1", "1", "0"]


# The alert in one click ------------------------------------------------------------------------


def test_the_current_alert_goes_to_the_alert_subscribers_in_one_click_once(editor_client, editor, alert_list):
    send = reverse("admin:newsletters_edition_alert")
    refused = editor_client.post(send, follow=True)
    assert "Aucune alerte n’est en ligne" in refused.content.decode()
    assert not Edition.objects.exists()

    alert = Alert(text="Crue de la Moselle : routes fermées", link="/")
    alert.put_up(by=editor)
    assert "Envoyer l’alerte en cours" in editor_client.get(LIST_URL).content.decode()
    done = editor_client.post(send, follow=True)
    assert "L’alerte part aux abonnés de Alerte info." in done.content.decode()
    edition = Edition.objects.get()
    assert (edition.newsletter, edition.alert, edition.subject) == (alert_list, alert, alert.text)
    assert edition.status == Edition.Status.SCHEDULED and edition.created_by == editor

    again = editor_client.post(send, follow=True)
    assert "Cette alerte a déjà été envoyée aux abonnés." in again.content.decode()
    assert Edition.objects.count() == 1
    assert "Envoyer l’alerte en cours" not in editor_client.get(LIST_URL).content.decode()


def test_send_alert_refuses_without_an_alert_list(editor, alert_list):
    alert = Alert(text="Incendie", link="/")
    alert.put_up(by=editor)
    alert_list.kind = NewsletterList.Kind.DAILY
    alert_list.save()
    with pytest.raises(EditionError, match="Aucune lettre « Alerte info »"):
        send_alert(alert, by=editor)


# Lists -----------------------------------------------------------------------------------------


def test_editors_open_a_territory_list_and_mistakes_are_told_in_french(editor_client, make_territory):
    metz = make_territory("Metz")
    add = reverse("admin:newsletters_newsletterlist_add")
    data = {"name": "L’essentiel de Metz", "slug": "essentiel-de-metz", "kind": "territory", "position": 3}
    page = editor_client.post(add, {**data, "send_time": "18:00"})
    assert "Choisissez le territoire dont cette lettre reprend les articles." in page.content.decode()
    page = editor_client.post(add, {**data, "kind": "alert", "territory": metz.pk, "send_time": "18:00"})
    html = page.content.decode()
    assert "Seule une lettre de territoire a un territoire" in html and "laissez l’heure vide" in html
    assert editor_client.post(add, {**data, "territory": metz.pk, "is_open": "on"}).status_code == 302
    assert NewsletterList.objects.get(slug="essentiel-de-metz").territory == metz


@pytest.mark.django_db(transaction=True)
def test_workers_asking_at_the_same_instant_make_one_edition(make_article, section, monkeypatch):
    """Four workers past the unlocked look at once (a barrier holds them there): the lock on the
    list's row is what leaves one edition (PostgreSQL's row lock; SQLite's one writer at a time)."""
    NewsletterList.objects.get_or_create(
        slug="lettre-du-matin", defaults={"name": "La lettre du matin", "send_time": datetime.time(6, 30)}
    )
    published(make_article, "Dans la nuit", 3, section=section)
    workers = 4
    together = threading.Barrier(workers, timeout=30)
    looked = threading.local()
    original = editions.edition_of_the_day_exists

    def look_then_wait(newsletter, moment):
        found = original(newsletter, moment)
        if not getattr(looked, "once", False):  # the unlocked look: every worker gets past it
            looked.once = True
            together.wait()
        return found

    monkeypatch.setattr(editions, "edition_of_the_day_exists", look_then_wait)
    made, errors = [], []

    def tick():
        try:
            made.extend(prepare_automatic_editions(MONDAY.replace(hour=5, minute=45)))
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(made) == 1
    assert Edition.objects.count() == 1


# The demo --------------------------------------------------------------------------------------


def test_the_demo_has_metzs_letter_and_a_morning_edition_to_work_on_once(settings, client):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    metz = NewsletterList.objects.get(slug="essentiel-de-metz")
    assert (metz.name, metz.kind, metz.territory.name, metz.is_open) == (
        "L’essentiel de Metz",
        "territory",
        "Metz",
        True,
    )
    edition = Edition.objects.get()
    assert edition.status == Edition.Status.DRAFT and edition.newsletter.slug == "lettre-du-matin"
    # The letter opens as the front page does.
    top = client.get(reverse("articles:home")).content.decode().split('<section class="featured"', 1)[1]
    shown = [
        unescape(title).replace("\u202f", " ")
        for title in re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', top)
    ]
    assert titles(edition)[:3] == shown[:3]
    assert len(titles(edition)) >= 5
    addresses = list(Subscriber.objects.values_list("email", flat=True))
    assert addresses and all(address.endswith("@example.org") for address in addresses)
    counts = {
        model: model.objects.count() for model in (NewsletterList, Edition, EditionItem, Subscriber, Subscription)
    }
    call_command("load_demo", stdout=io.StringIO())
    assert {model: model.objects.count() for model in counts} == counts


def test_a_scheduled_edition_changed_stays_scheduled_and_can_go_back_to_a_draft(editor_client, edition, three):
    at = timezone.now() + timedelta(hours=2)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SCHEDULED, scheduled_for=at)
    edition.refresh_from_db()
    a, b, c = three
    editor_client.post(change_url(edition), form_data(edition, b, a, editorial="Bonne lecture", _save="1"))
    edition.refresh_from_db()
    assert (edition.status, edition.scheduled_for, edition.editorial) == (Edition.Status.SCHEDULED, at, "Bonne lecture")
    assert titles(edition) == ["Dépêche B", "Dépêche A"]

    page = editor_client.post(change_url(edition), form_data(edition, b, a, _unschedule="1"), follow=True)
    assert "elle redevient un brouillon" in page.content.decode()
    edition.refresh_from_db()
    assert (edition.status, edition.scheduled_for) == (Edition.Status.DRAFT, None)


def test_an_edition_that_left_meanwhile_is_not_changed(editor_client, edition, three, monkeypatch):
    """The page was opened as a draft; the worker starts it before the editor saves."""
    original = admin_editions.EditionAdmin.get_object

    def loaded_then_sent(self, request, object_id, from_field=None):
        found = original(self, request, object_id, from_field)
        Edition.objects.filter(pk=found.pk).update(status=Edition.Status.SENDING)
        return found

    monkeypatch.setattr(admin_editions.EditionAdmin, "get_object", loaded_then_sent)
    page = editor_client.post(change_url(edition), form_data(edition, three[2], subject="Trop tard", _save="1"))
    assert "Cette édition est partie entre-temps" in page.content.decode()
    edition.refresh_from_db()
    assert edition.subject == "La lettre du matin du lundi" and edition.status == Edition.Status.SENDING
    assert titles(edition) == ["Dépêche A", "Dépêche B", "Dépêche C"]
