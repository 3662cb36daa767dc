"""A person's data request, answered in one place: the commenter's comments and the subscriber's
lists, exported as one JSON document or erased, by whoever may answer for each part."""

import io
import json
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import JEANNE_EMAIL
from test_privacy import crawl, everything_sent, find_leaks, leaks_in

from articles.models import Article
from comments.models import Comment, refresh_comment_count
from common import personal_data
from newsletters import links, subscribing
from newsletters.models import Delivery, Edition, NewsletterList, Subscriber, Subscription
from outbox.models import Mail

pytestmark = pytest.mark.django_db

Status = Comment.Status
READER_EMAIL = JEANNE_EMAIL
OTHER_EMAIL = "autre.lecteur@exemple.org"
CONSENT = "J’accepte de recevoir « La lettre du matin » à cette adresse. Désinscription en un clic."


def page_url():
    return reverse("admin:personal_data")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Fixtures -----------------------------------------------------------------------


@pytest.fixture
def article(make_article):
    return make_article("Le marché couvert de Metz rouvre", slug="marche-couvert")


@pytest.fixture
def two_readers(make_jeanne_comment, make_comment, make_article):
    """Jeanne's comments (one on another article, one still pending), and Paul's reply to her."""
    other_article = make_article("La foire de Thionville")
    jeanne = [
        make_jeanne_comment("Le marché est superbe.", status=Status.APPROVED, author_url="https://jeanne.example.fr"),
        make_jeanne_comment("La foire aussi.", article=other_article, status=Status.APPROVED),
        make_jeanne_comment("Et le parking ?"),
    ]
    paul = make_comment(
        jeanne[0].article,
        "Je ne suis pas d’accord : il manque un parking.",
        parent=jeanne[0],
        author_name="Paul Henry",
        author_email=OTHER_EMAIL,
        status=Status.APPROVED,
    )
    for each in Article.objects.all():
        refresh_comment_count(each.pk)
    return {"jeanne": jeanne, "paul": paul, "other_article": other_article}


def subscribe(email, newsletter, *, status=Subscription.Status.ACTIVE, **fields):
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    now = timezone.now()
    return Subscription.objects.create(
        subscriber=subscriber,
        newsletter=newsletter,
        status=status,
        consent_text=CONSENT,
        requested_at=now - timezone.timedelta(days=30),
        confirmed_at=None if status == Subscription.Status.PENDING else now - timezone.timedelta(days=29),
        **fields,
    )


@pytest.fixture
def subscribed():
    """Jeanne on the morning letter (the edition sent to her and to Paul), and unsubscribed from the alerts."""
    morning = NewsletterList.objects.get(slug="lettre-du-matin")
    alerts = NewsletterList.objects.get(slug="alerte-info")
    jeanne = subscribe(READER_EMAIL, morning).subscriber
    subscribe(
        READER_EMAIL,
        alerts,
        status=Subscription.Status.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
        unsubscribe_reason=Subscription.Reason.ONE_CLICK,
    )
    paul = subscribe(OTHER_EMAIL, morning).subscriber
    edition = Edition.objects.create(newsletter=morning, subject="La lettre du matin du 7 décembre")
    Delivery.objects.create(
        edition=edition,
        subscriber=jeanne,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id="<abc@mail>",
    )
    Delivery.objects.create(
        edition=edition,
        subscriber=paul,
        status=Delivery.Status.BOUNCED,
        last_error=f"550 {OTHER_EMAIL}: unknown user",
    )
    return {"jeanne": jeanne, "paul": paul, "edition": edition, "morning": morning}


@pytest.fixture
def relation(make_user):
    """The « Relation abonnés » role: the subscribers, not the comments."""
    return make_user("relation", groups=["Relation abonnés"])


@pytest.fixture
def relation_client(relation):
    client = Client()
    client.force_login(relation)
    return client


@pytest.fixture
def chief_client(make_user):
    """A superuser: every part of the request."""
    client = Client()
    client.force_login(make_user("cheffe", is_superuser=True))
    return client


def export(client, email=READER_EMAIL):
    response = client.post(page_url(), {"email": email, "export": "1"})
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def erase(client, email=READER_EMAIL):
    return client.post(page_url(), {"email": email, "erase": "1", "confirm_erase": "on"})


# The registry ---------------------------------------------------------------------


def test_comments_and_newsletters_register_their_part():
    names = [kind.name for kind in personal_data.registered()]
    assert sorted(names) == ["comments", "newsletters"]


def test_registering_again_replaces_the_kind():
    before = personal_data.registered()
    kind = next(kind for kind in before if kind.name == "comments")
    personal_data.register(
        kind.name,
        kind.label,
        export=kind.export,
        erase=kind.erase,
        count=kind.count,
        permission=kind.permission,
        holders=kind.holders,
    )
    assert [k.name for k in personal_data.registered()] == [k.name for k in before]


def test_export_all_without_a_user_holds_every_kind(two_readers, subscribed):
    document = personal_data.export_all(READER_EMAIL)
    assert document["email"] == READER_EMAIL
    assert len(document["comments"]["comments"]) == 3
    assert document["newsletters"]["email"] == READER_EMAIL
    assert "not_included" not in document


# The whole request, by someone allowed everything -----------------------------------------


def test_export_gives_every_comment_and_the_subscription_and_nothing_else(chief_client, two_readers, subscribed):
    data = export(chief_client, "Lecteur.Fidele@EXEMPLE.fr")

    exported = data["comments"]["comments"]
    assert sorted(item["id"] for item in exported) == sorted(comment.pk for comment in two_readers["jeanne"])
    assert {item["email"] for item in exported} == {READER_EMAIL}
    assert {item["text"] for item in exported} == {"Le marché est superbe.", "La foire aussi.", "Et le parking ?"}
    assert "https://jeanne.example.fr" in {item["website"] for item in exported}
    assert "203.0.113.7" in {item["ip_address"] for item in exported}

    subscriber = data["newsletters"]
    assert subscriber["email"] == READER_EMAIL
    assert subscriber["created_at"] and subscriber["confirmed_at"] is None
    by_list = {item["newsletter"]: item for item in subscriber["subscriptions"]}
    assert set(by_list) == {"La lettre du matin", "Alerte info"}
    assert by_list["La lettre du matin"]["consent_text"] == CONSENT
    assert by_list["La lettre du matin"]["status"] == "active"
    assert by_list["La lettre du matin"]["requested_at"] and by_list["La lettre du matin"]["confirmed_at"]
    assert by_list["Alerte info"]["unsubscribe_reason"] == "one_click"
    assert by_list["Alerte info"]["unsubscribed_at"]
    assert subscriber["deliveries"] == [
        {
            "edition": "La lettre du matin du 7 décembre",
            "sent_at": subscribed["edition"].deliveries.get(subscriber=subscribed["jeanne"]).sent_at.isoformat(),
            "status": "sent",
            "unsubscribed_at": None,
        }
    ]
    assert data["not_included"] == []

    text = json.dumps(data, ensure_ascii=False)
    assert OTHER_EMAIL not in text
    assert "Paul Henry" not in text
    assert "il manque un parking" not in text
    assert subscribed["jeanne"].key not in text  # the secret of her links is not data about her
    assert "<abc@mail>" not in text


def test_an_unknown_address_exports_an_empty_document(chief_client, two_readers, subscribed):
    data = export(chief_client, "personne@exemple.fr")
    assert data["comments"]["comments"] == []
    assert data["newsletters"] is None


def test_find_shows_what_each_part_keeps(chief_client, two_readers, subscribed):
    response = chief_client.post(page_url(), {"email": READER_EMAIL, "find": "1"})
    text = text_of(response)
    assert "Trouvé pour cette adresse" in text
    assert '<th scope="row">Commentaires</th><td>3</td>' in text
    assert '<th scope="row">Abonnements aux lettres</th><td>2</td>' in text
    assert "Vos droits ne vous permettent pas" not in text


def test_erase_needs_a_confirmation(chief_client, two_readers, subscribed):
    response = chief_client.post(page_url(), {"email": READER_EMAIL, "erase": "1"})

    assert response.status_code == 200
    assert "Cochez cette case pour confirmer l’effacement." in response.content.decode()
    assert Comment.objects.by_email(READER_EMAIL).count() == 3
    assert not Comment.objects.filter(erased_at__isnull=False).exists()
    assert Subscriber.objects.by_email(READER_EMAIL).exists()


def test_erase_takes_the_subscriber_and_keeps_the_editions_figures(chief_client, two_readers, subscribed):
    edition = subscribed["edition"]
    figures = sorted(edition.deliveries.values_list("status", flat=True))
    # The outbox keeps the confirmation mails, each with its address and a link to the lists.
    for subscriber in (subscribed["jeanne"], subscribed["paul"]):
        subscribing.send_confirmation(subscriber)
    assert Mail.objects.filter(recipients=[READER_EMAIL]).count() == 1

    response = erase(chief_client, READER_EMAIL.upper())

    assert response.status_code == 302
    assert not Subscriber.objects.by_email(READER_EMAIL).exists()
    assert not Subscription.objects.filter(consent_text=CONSENT, subscriber__isnull=True).exists()
    assert Subscription.objects.count() == 1  # Paul's
    assert sorted(edition.deliveries.values_list("status", flat=True)) == figures
    orphan = edition.deliveries.get(subscriber__isnull=True)
    assert (orphan.status, orphan.provider_message_id, orphan.last_error) == ("sent", "", "")
    paul = edition.deliveries.get(subscriber=subscribed["paul"])
    assert paul.last_error.startswith("550")  # others' rows untouched
    assert not Mail.objects.filter(recipients=[READER_EMAIL]).exists()
    assert Mail.objects.filter(recipients=[OTHER_EMAIL]).count() == 1
    message = text_of(chief_client.get(response["Location"]))
    assert "Données effacées — Abonnements aux lettres : 2, Commentaires : 3." in message
    assert READER_EMAIL not in message.lower()


def test_erase_wipes_every_comment_of_an_address(chief_client, client, two_readers, article):
    response = erase(chief_client, READER_EMAIL.upper())

    assert response.status_code == 302
    for comment in two_readers["jeanne"]:
        comment.refresh_from_db()
        assert (comment.author_name, comment.author_email, comment.author_url, comment.body) == ("", "", "", "")
        assert comment.ip_address is None
        assert comment.erased_at is not None
    paul = two_readers["paul"]
    paul.refresh_from_db()
    assert paul.author_email == OTHER_EMAIL
    assert paul.erased_at is None

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Le marché est superbe." not in html
    assert "Jeanne Lefèvre" not in html
    assert "Commentaire supprimé" in html
    assert "Je ne suis pas d’accord : il manque un parking." in html
    other_article = two_readers["other_article"]
    other_article.refresh_from_db()
    assert other_article.comment_count == 0


def test_erased_comment_without_replies_leaves_no_placeholder(moderator_client, client, make_jeanne_comment, article):
    make_jeanne_comment("Seul dans son fil.", status=Status.APPROVED)
    erase(moderator_client)

    html = client.get(article.get_absolute_url()).content.decode()
    assert "Seul dans son fil." not in html
    assert "Commentaire supprimé" not in html


def test_erase_leaves_nothing_in_the_admin_history(chief_client, make_jeanne_comment, subscribed):
    comment = make_jeanne_comment("Enfin un marché digne de ce nom !")
    chief_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]), {"status": Status.APPROVED, "_save": "1"}
    )
    jeanne = subscribed["jeanne"]
    # The subscribers' admin logs its « Désabonner » under the subscriber's address.
    chief_client.post(
        reverse("admin:newsletters_subscriber_changelist"),
        {"action": "unsubscribe_selected", "_selected_action": [jeanne.pk], "index": 0},
    )
    subscriber_type = ContentType.objects.get_for_model(Subscriber)
    assert LogEntry.objects.filter(content_type=subscriber_type, object_repr=READER_EMAIL, action_flag=CHANGE)

    erase(chief_client)

    assert not LogEntry.objects.filter(object_repr__icontains="jeanne").exists()
    assert not LogEntry.objects.filter(object_repr__icontains=READER_EMAIL).exists()
    assert LogEntry.objects.filter(content_type=subscriber_type, object_repr="Abonné effacé").count() == 1
    for url in [reverse("admin:index"), reverse("admin:comments_comment_history", args=[comment.pk])]:
        html = chief_client.get(url).content.decode()
        assert "Jeanne Lefèvre" not in html, url
        assert READER_EMAIL not in html, url
        assert "Enfin un marché" not in html, url


# Who may answer for what -------------------------------------------------------------------


def test_a_moderator_gets_the_comments_only_and_is_told_so(moderator_client, two_readers, subscribed):
    page = text_of(moderator_client.get(page_url()))
    assert "Cette page traite : Commentaires." in page
    assert "Vos droits ne vous permettent pas de traiter ici : Abonnements aux lettres" in page
    assert "réservé à le rôle « Relation abonnés »" not in page
    assert "réservé au rôle « Relation abonnés »" in page

    data = export(moderator_client)
    assert len(data["comments"]["comments"]) == 3
    assert "newsletters" not in data
    assert data["not_included"] == ["Abonnements aux lettres"]

    found = text_of(moderator_client.post(page_url(), {"email": READER_EMAIL, "find": "1"}))
    assert '<th scope="row">Commentaires</th><td>3</td>' in found
    assert "Abonnements aux lettres</th>" not in found

    erase(moderator_client)
    assert Comment.objects.filter(erased_at__isnull=False).count() == 3
    assert Subscriber.objects.by_email(READER_EMAIL).exists()  # not theirs to erase


def test_the_subscribers_role_gets_the_subscriptions_only(relation_client, two_readers, subscribed):
    page = text_of(relation_client.get(page_url()))
    assert "Cette page traite : Abonnements aux lettres." in page
    assert "Vos droits ne vous permettent pas de traiter ici : Commentaires (réservé aux modérateurs)" in page

    data = export(relation_client)
    assert "comments" not in data
    assert data["newsletters"]["email"] == READER_EMAIL
    assert data["not_included"] == ["Commentaires"]

    erase(relation_client)
    assert not Subscriber.objects.by_email(READER_EMAIL).exists()
    assert Comment.objects.by_email(READER_EMAIL).count() == 3


@pytest.mark.parametrize("role", ["journalist_client", "editor_client"])
def test_nobody_else_reaches_the_page(request, role, two_readers, subscribed):
    client = request.getfixturevalue(role)
    assert client.get(page_url()).status_code == 403
    assert client.post(page_url(), {"email": READER_EMAIL, "export": "1"}).status_code == 403
    assert erase(client).status_code == 403
    assert Subscriber.objects.by_email(READER_EMAIL).exists()
    assert not Comment.objects.filter(erased_at__isnull=False).exists()


def test_a_reader_is_sent_to_the_login_page(client):
    response = client.get(page_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_page_is_never_cached_and_needs_the_csrf_token(moderator, two_readers):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    response = browser.get(page_url())
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()

    assert browser.post(page_url(), {"email": READER_EMAIL, "export": "1"}).status_code == 403
    token = browser.cookies["csrftoken"].value
    answer = browser.post(page_url(), {"email": READER_EMAIL, "export": "1", "csrfmiddlewaretoken": token})
    assert answer.status_code == 200
    assert "no-cache" in answer["Cache-Control"]


def test_the_page_is_french_and_named_from_both_admins(moderator_client, relation_client):
    page = text_of(moderator_client.get(page_url()))
    assert "Données personnelles : export et effacement" in page
    assert 'value="Exporter (JSON)"' in page and 'value="Effacer"' in page and 'value="Chercher"' in page
    assert "Je confirme l’effacement définitif des données de cette adresse" in page
    comments_list = moderator_client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert page_url() in comments_list
    subscribers_list = relation_client.get(reverse("admin:newsletters_subscriber_changelist")).content.decode()
    assert page_url() in subscribers_list


def test_the_old_address_leads_to_the_page(moderator_client):
    old = reverse("admin:comments_comment_personal_data")
    assert old != page_url()
    response = moderator_client.get(old)
    assert response.status_code == 301
    assert response["Location"] == page_url()


# The comments alone, from the command line -----------------------------------------------------


def test_command_exports_as_json(two_readers):
    out = io.StringIO()
    call_command("commenter_data", "export", READER_EMAIL.upper(), stdout=out)

    data = json.loads(out.getvalue())
    assert len(data["comments"]) == 3
    assert {item["email"] for item in data["comments"]} == {READER_EMAIL}
    assert OTHER_EMAIL not in out.getvalue()


def test_command_erases_with_yes(two_readers):
    out = io.StringIO()
    call_command("commenter_data", "erase", READER_EMAIL, "--yes", stdout=out)

    assert "3 commentaire(s) effacé(s)" in out.getvalue()
    assert not Comment.objects.by_email(READER_EMAIL).exists()
    assert Comment.objects.filter(erased_at__isnull=False).count() == 3
    assert Comment.objects.by_email(OTHER_EMAIL).get().erased_at is None


def test_command_asks_before_erasing(two_readers, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Effacement annulé"):
        call_command("commenter_data", "erase", READER_EMAIL, stdout=io.StringIO())
    assert Comment.objects.by_email(READER_EMAIL).count() == 3


@pytest.mark.parametrize("action", ["export", "erase"])
def test_command_refuses_an_invalid_address_in_french(action):
    with pytest.raises(CommandError, match="n’est pas une adresse e-mail valide"):
        call_command("commenter_data", action, "pas-une-adresse", "--yes", stdout=io.StringIO())


# Addresses never shown outside the admin -------------------------------------------------------


def test_no_reader_page_shows_a_subscriber_address(client, article, subscribed):
    """Every page a subscriber reaches — the site, the subscription pages, the confirmation link, the page
    of their lists and the unsubscription page from a mail — without their address, in any spelling."""
    jeanne, edition = subscribed["jeanne"], subscribed["edition"]
    addresses = [READER_EMAIL, OTHER_EMAIL]
    manage = reverse("newsletters:manage", args=[jeanne.key])
    one_click = reverse("newsletters:unsubscribe", args=[jeanne.key, edition.pk])
    confirm = reverse("newsletters:confirm", args=[links.confirmation_token(jeanne)])
    start = [reverse("articles:home"), article.get_absolute_url(), reverse("newsletters:subscribe"), confirm]
    start += [manage, one_click, f"{reverse('newsletters:subscribe')}?demande=envoyee"]

    responses = crawl(client, start)
    responses["POST " + manage] = client.post(manage, {"lettres": ["lettre-du-matin", "alerte-info"]})
    responses["POST " + one_click] = client.post(one_click, {"List-Unsubscribe": "One-Click"})
    responses["POST " + confirm] = client.post(confirm)

    assert leaks_in(responses, addresses) == {}
    assert {url: r.status_code for url, r in responses.items() if url in start} == dict.fromkeys(start, 200)
    assert responses["POST " + one_click].status_code == 200
    assert "La lettre du matin" in responses[manage].content.decode()  # her page, only without her address


def test_the_address_comes_out_through_the_staff_page_only(client, subscribed):
    # A reader posting to the staff page is sent to the login page, with no document.
    response = client.post(page_url(), {"email": READER_EMAIL, "export": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert find_leaks(everything_sent(response), [READER_EMAIL]) == []
