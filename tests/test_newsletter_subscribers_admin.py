"""The subscribers in the admin, used as the « Relation abonnés » role uses it: the list, its search
and filters, the consent proof, the CSV export and « Désabonner »; and nobody else sees an address."""

import csv
import io
import tracemalloc
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from test_privacy import LinkCollector

from newsletters import admin_subscribers
from newsletters.models import Delivery, Edition, NewsletterList, Subscriber, Subscription

pytestmark = pytest.mark.django_db

CONSENT = "J’accepte de recevoir cette lettre à cette adresse."
JEANNE = "jeanne.dupont@exemple.fr"


def changelist_url(**params):
    url = reverse("admin:newsletters_subscriber_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def listed(response) -> list[str]:
    return [subscriber.email for subscriber in response.context["cl"].result_list]


def subscribe(email, *newsletters, status=Subscription.Status.ACTIVE):
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    for newsletter in newsletters:
        Subscription.objects.create(
            subscriber=subscriber,
            newsletter=newsletter,
            status=status,
            consent_text=CONSENT,
            confirmed_at=None if status == Subscription.Status.PENDING else timezone.now(),
            unsubscribed_at=timezone.now() if status == Subscription.Status.UNSUBSCRIBED else None,
        )
    return subscriber


def export_csv(client, **params):
    return client.post(
        changelist_url(**params), {"action": "export_csv", "select_across": 1, "index": 0, "_selected_action": 0}
    )


def csv_rows(response) -> list[list[str]]:
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def lists():
    return {
        "morning": NewsletterList.objects.get(slug="lettre-du-matin"),
        "alerts": NewsletterList.objects.get(slug="alerte-info"),
    }


@pytest.fixture
def people(lists):
    return {
        "jeanne": subscribe(JEANNE, lists["morning"], lists["alerts"]),
        "paul": subscribe("paul.henry@exemple.org", lists["morning"], status=Subscription.Status.PENDING),
        "luc": subscribe("luc@autre.net", lists["alerts"], status=Subscription.Status.UNSUBSCRIBED),
    }


@pytest.fixture
def relation_client(make_user):
    client = Client()
    client.force_login(make_user("relation", groups=["Relation abonnés"]))
    return client


@pytest.fixture
def viewer_client(make_user):
    """Someone who may look at subscribers but not export them (a role an administrator could build)."""
    group = Group.objects.create(name="Lecture des abonnés")
    group.permissions.add(Permission.objects.get(codename="view_subscriber"))
    client = Client()
    client.force_login(make_user("lecteur-abonnes", groups=[group.name]))
    return client


# The list --------------------------------------------------------------------------------


def test_the_list_shows_addresses_dates_and_lists(relation_client, people):
    response = relation_client.get(changelist_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert set(listed(response)) == {JEANNE, "paul.henry@exemple.org", "luc@autre.net"}
    assert "La lettre du matin, Alerte info" in html
    assert "La lettre du matin (en attente)" in html
    for heading in ["Adresse e-mail", "Inscrit le", "Adresse confirmée le", "Lettres"]:
        assert heading in html


def test_the_list_costs_the_same_queries_for_5_or_60_subscribers(relation_client, lists):
    def queries_for_page():
        with CaptureQueriesContext(connection) as queries:
            assert relation_client.get(changelist_url()).status_code == 200
        return len(queries)

    for n in range(5):
        subscribe(f"lecteur{n}@exemple.fr", lists["morning"], lists["alerts"])
    few = queries_for_page()
    for n in range(5, 60):
        subscribe(f"lecteur{n}@exemple.fr", lists["morning"], lists["alerts"])
    assert queries_for_page() == few


def test_the_list_page_query_budget(relation_client, lists, django_assert_num_queries):
    for n in range(30):
        subscribe(f"lecteur{n}@exemple.fr", lists["morning"])
    relation_client.get(changelist_url())  # the session and permissions' caches warmed as in a browser
    # session, user, permissions ×2, the lists' filter, count, page, subscriptions (one prefetch)
    with django_assert_num_queries(8):
        relation_client.get(changelist_url())


def test_search_by_address(relation_client, people):
    assert listed(relation_client.get(changelist_url(q="dupont"))) == [JEANNE]
    assert sorted(listed(relation_client.get(changelist_url(q="@exemple")))) == [JEANNE, "paul.henry@exemple.org"]


def test_filters_by_list_and_status(relation_client, people, lists):
    morning, alerts = lists["morning"].pk, lists["alerts"].pk
    assert sorted(listed(relation_client.get(changelist_url(lettre=morning)))) == [JEANNE, "paul.henry@exemple.org"]
    assert listed(relation_client.get(changelist_url(etat="pending"))) == ["paul.henry@exemple.org"]
    assert listed(relation_client.get(changelist_url(etat="unsubscribed"))) == ["luc@autre.net"]
    assert listed(relation_client.get(changelist_url(lettre=alerts, etat="active"))) == [JEANNE]
    assert listed(relation_client.get(changelist_url(lettre=alerts, etat="unsubscribed"))) == ["luc@autre.net"]
    assert listed(relation_client.get(changelist_url(lettre=morning, etat="pending"))) == ["paul.henry@exemple.org"]
    # Jeanne with two active lists is listed once.
    assert listed(relation_client.get(changelist_url(etat="active"))) == [JEANNE]


def test_the_subscriber_page_shows_the_consent_read_only(relation_client, people):
    response = relation_client.get(reverse("admin:newsletters_subscriber_change", args=[people["jeanne"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(CONSENT) == 2
    assert 'name="subscriptions-0-consent_text"' not in html
    assert 'name="email"' not in html
    assert "Consentement donné" in html and "Demandé le" in html and "Confirmé le" in html


def test_nobody_adds_or_deletes_a_subscriber_here(relation_client, make_user, people):
    superuser = Client()
    superuser.force_login(make_user("admin", is_superuser=True))
    for client in (relation_client, superuser):
        assert client.get(reverse("admin:newsletters_subscriber_add")).status_code == 403
        delete = reverse("admin:newsletters_subscriber_delete", args=[people["jeanne"].pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Subscriber.objects.filter(email=JEANNE).exists()


# The CSV export ----------------------------------------------------------------------------


def test_export_streams_the_whole_filtered_list(relation_client, lists, monkeypatch):
    monkeypatch.setattr(admin_subscribers, "EXPORT_CHUNK", 100)
    Subscriber.objects.bulk_create(Subscriber(email=f"lecteur{n:03}@exemple.fr") for n in range(300))
    Subscription.objects.bulk_create(
        Subscription(subscriber=subscriber, newsletter=lists["morning"], status="active", consent_text=CONSENT)
        for subscriber in Subscriber.objects.all()
    )
    subscribe("hors-liste@exemple.fr", lists["alerts"])

    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(export_csv(relation_client, lettre=lists["morning"].pk))

    assert rows[0] == ["adresse e-mail", "inscrit le", "adresse confirmée le", "abonné à", "en attente"]
    assert len(rows) == 301
    assert {row[3] for row in rows[1:]} == {"La lettre du matin"}
    assert "hors-liste@exemple.fr" not in {row[0] for row in rows}
    record = LogEntry.objects.get(object_repr="Export CSV des abonnés")
    assert (record.user.username, record.get_change_message()) == ("relation", "300 abonnés exportés.")
    # Three chunks of 100, each with its subscriptions in one query, rather than a query per row.
    assert len(queries) < 20


def test_export_memory_stays_flat(relation_client, lists, monkeypatch):
    monkeypatch.setattr(admin_subscribers, "EXPORT_CHUNK", 50)

    def peak_for(count):
        Subscriber.objects.all().delete()
        Subscriber.objects.bulk_create(Subscriber(email=f"l{n:05}@exemple.fr") for n in range(count))
        response = export_csv(relation_client)
        tracemalloc.start()
        lines = sum(1 for _ in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert lines == count + 1
        return peak

    small, large = peak_for(100), peak_for(800)
    assert large < small * 2, (small, large)


def test_export_neutralises_formulas(relation_client, lists):
    for address in ["=cmd@exemple.fr", "+33@exemple.fr", "-moins@exemple.fr", "@arobase@exemple.fr"]:
        Subscriber.objects.create(email=address)
    emails = {row[0] for row in csv_rows(export_csv(relation_client))[1:]}
    assert emails == {"'=cmd@exemple.fr", "'+33@exemple.fr", "'-moins@exemple.fr", "'@arobase@exemple.fr"}
    assert admin_subscribers.safe_cell("jeanne@exemple.fr") == "jeanne@exemple.fr"


def test_export_needs_the_export_permission(viewer_client, relation_client, people):
    page = viewer_client.get(changelist_url())
    assert page.status_code == 200
    assert "Exporter en CSV" not in page.content.decode()
    response = export_csv(viewer_client)
    assert not response.streaming
    assert not response["Content-Type"].startswith("text/csv")
    assert "Exporter en CSV" in relation_client.get(changelist_url()).content.decode()


# « Désabonner » ------------------------------------------------------------------------------


def test_unsubscribe_ends_every_list_with_the_staff_reason(relation_client, people):
    jeanne = people["jeanne"]
    response = relation_client.post(
        changelist_url(), {"action": "unsubscribe_selected", "_selected_action": [jeanne.pk], "index": 0}
    )
    assert response.status_code == 302
    assert set(jeanne.subscriptions.values_list("status", "unsubscribe_reason")) == {("unsubscribed", "staff")}
    assert people["paul"].subscriptions.get().status == "pending"
    entry = LogEntry.objects.get(object_id=str(jeanne.pk))
    assert entry.get_change_message() == "Désabonné de toutes les lettres par la rédaction."
    assert "1 abonné désabonné." in relation_client.get(response["Location"]).content.decode()


def test_the_viewer_cannot_unsubscribe(viewer_client, people):
    jeanne = people["jeanne"]
    viewer_client.post(
        changelist_url(), {"action": "unsubscribe_selected", "_selected_action": [jeanne.pk], "index": 0}
    )
    assert set(jeanne.subscriptions.values_list("status", flat=True)) == {"active"}


# Editors and journalists never see an address ------------------------------------------------


def admin_pages(client, start, limit=300) -> dict:
    """Every admin page reachable from ``start`` by links, without query strings (GET only; never the log-out)."""
    seen, queue = {}, [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for link in admin_links(response.content.decode(), url):
                if link not in seen:
                    queue.append(link)
    return seen


def admin_links(html, page_url) -> list[str]:
    collector = LinkCollector()
    collector.feed(html)
    found = []
    for link in collector.links:
        parts = urlsplit(urljoin("http://testserver" + page_url, link))
        # Pages only, not their sorted or filtered variants: an address would be on the page itself.
        if parts.netloc == "testserver" and parts.path.startswith("/admin/") and "logout" not in parts.path:
            found.append(parts.path)
    return found


@pytest.mark.parametrize("role", ["editor_client", "journalist_client"])
def test_the_newsroom_never_sees_a_subscriber_address_in_the_admin(request, role, people, lists, editor):
    edition = Edition.objects.create(newsletter=lists["morning"], subject="La lettre du 7 décembre", created_by=editor)
    Delivery.objects.create(edition=edition, subscriber=people["jeanne"], status=Delivery.Status.SENT)
    client = request.getfixturevalue(role)

    assert client.get(changelist_url()).status_code == 403
    assert client.get(reverse("admin:newsletters_subscriber_change", args=[people["jeanne"].pk])).status_code == 403
    pages = admin_pages(client, reverse("admin:index"))
    assert len(pages) > 5 and len(pages) < 300  # the whole admin the role reaches was read
    addresses = [subscriber.email for subscriber in people.values()]
    leaks = {url: a for url, r in pages.items() for a in addresses if a in r.content.decode()}
    assert leaks == {}
    assert "Abonnés" not in pages[reverse("admin:index")].content.decode()
