"""Breaking news (« Alerte info »): one alert at a time, on every reader page, through one tag purge."""

import re
import shutil
import time
from datetime import timedelta

import pytest
import time_machine
from budgets import READER_PAGE_BUDGET
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from test_html_validity import VNU_JAR, nu_errors

import pagecache.core
from alerts.caching import ALERT_TAG, CURRENT_KEY, current_banner
from alerts.models import Alert, AlertQuerySet, alert_changed
from pagecache.middleware import PageCacheMiddleware
from pages.models import Page

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:alerts_alert_add")
LIST_URL = reverse("admin:alerts_alert_changelist")


def banner_of(html: str) -> str | None:
    found = re.search(r'<section class="breaking-alert".*?</section>', html, re.S)
    return found.group(0) if found else None


def put_up(text="Incendie dans la vieille ville de Metz", link="/", by=None, **fields) -> Alert:
    alert = Alert(text=text, link=link, **fields)
    alert.put_up(by=by)
    return alert


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the alert's cached value, then its purge) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def purges(monkeypatch):
    """Every purge made, as (tags, at_once), and the cache never emptied."""
    made = []
    real_purge = pagecache.core.purge

    def spy(*tags, at_once=False):
        made.append((set(tags), at_once))
        real_purge(*tags, at_once=at_once)

    monkeypatch.setattr(pagecache.core, "purge", spy)
    monkeypatch.setattr(pagecache, "purge", spy)
    monkeypatch.setattr("alerts.caching.pagecache.purge", spy)
    return made


# The model: one at a time, expiry, links ---------------------------------------------------------


def test_putting_an_alert_up_takes_the_previous_one_down(editor, committed):
    with committed():
        first = put_up("Première", by=editor)
        second = put_up("Seconde", by=editor)
    first.refresh_from_db()
    assert not first.is_current and first.removed_by == editor and first.removed_at is not None
    assert first.status == "Retirée"
    assert list(Alert.objects.shown()) == [second] and second.created_by == editor
    assert current_banner().text == "Seconde"


def test_the_database_refuses_two_current_alerts(editor):
    put_up("Première", by=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(text="Seconde", link="/", is_current=True)


def test_an_alert_put_up_by_another_editor_meanwhile_is_taken_down_too(editor, marc, monkeypatch, committed):
    """Two editors at the same moment: the other's alert is committed between our look and our write."""
    rival = put_up("La sienne", by=marc)
    real_current = AlertQuerySet.current
    looks = []

    def not_committed_yet_at_the_first_look(queryset):
        looks.append(1)
        return queryset.none() if len(looks) == 1 else real_current(queryset)

    monkeypatch.setattr(AlertQuerySet, "current", not_committed_yet_at_the_first_look)
    with committed():
        ours = put_up("La nôtre", by=editor)  # the unique index refuses the first write; the second one passes
    assert len(looks) >= 2  # the write refused once, then done after a second look
    monkeypatch.undo()
    rival.refresh_from_db()
    assert list(Alert.objects.current()) == [ours] and not rival.is_current and rival.removed_by == editor
    assert current_banner().text == "La nôtre"


def test_taking_down_ends_the_alert_and_twice_changes_nothing(editor, committed):
    with committed():
        alert = put_up(by=editor)
    with committed():
        alert.take_down(by=editor)
        alert.take_down(by=editor)
    assert current_banner() is None and alert.status == "Retirée"
    assert not Alert.objects.current().exists()


def test_an_alert_ends_by_itself_at_its_expiry(editor, committed):
    now = timezone.now()
    with time_machine.travel(now, tick=False), committed():
        alert = put_up(by=editor)
    assert alert.expires_at == now + timedelta(hours=2)  # the default end
    with time_machine.travel(now + timedelta(hours=2, seconds=-1), tick=False):
        assert current_banner() is not None and alert.status == "En ligne"
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        assert current_banner() is None and not Alert.objects.shown().exists()
        assert alert.status == "Expirée"


def test_putting_up_again_lasts_as_long_as_the_first_time(editor, committed):
    now = timezone.now()
    alert = put_up(by=editor, expires_at=now + timedelta(minutes=30))
    lasted = alert.expires_at - alert.starts_at
    alert.take_down(by=editor)
    with time_machine.travel(now + timedelta(days=1), tick=False):
        alert.put_up(by=editor)
        assert alert.is_shown and alert.expires_at - alert.starts_at == lasted
        assert alert.starts_at == timezone.now() and alert.removed_at is None


@pytest.mark.parametrize(
    "link",
    ["/2026/12/07/incendie/", "/", "https://www.metz.fr/actualites/crue", "https://vigilance.meteofrance.fr/fr"],
)
def test_a_link_of_the_site_or_in_https_is_taken(editor_client, link, committed):
    with committed():
        response = editor_client.post(ADD_URL, {"text": "Crue de la Moselle", "link": link, "expires_at_0": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Alert.objects.get().link == link


@pytest.mark.parametrize(
    "link", ["http://www.metz.fr/", "javascript:alert(1)", "//evil.example/", "ftp://x.fr/", "www.metz.fr", "/a b"]
)
def test_any_other_link_is_refused_in_french_and_nothing_typed_is_lost(editor_client, link):
    response = editor_client.post(ADD_URL, {"text": "Crue de la Moselle", "link": link})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Donnez une adresse du site (commençant par « / ») ou une adresse complète en « https:// »." in html
    assert 'value="Crue de la Moselle"' in html
    assert not Alert.objects.exists()


def test_the_text_is_short_and_the_end_in_the_future(editor_client):
    response = editor_client.post(
        ADD_URL,
        {"text": "x" * 161, "link": "/", "expires_at_0": "01/01/2020", "expires_at_1": "10:00:00"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Alert.objects.exists()
    assert "comporte au plus 160 caractères" in html or "160 caractères" in html
    response = editor_client.post(
        ADD_URL, {"text": "Court", "link": "/", "expires_at_0": "01/01/2020", "expires_at_1": "10:00:00"}
    )
    assert "La fin de l’alerte doit être dans le futur." in response.content.decode()


# The admin: who may, the one-click take-down, the history --------------------------------------


def test_editors_put_an_alert_up_and_take_it_down_in_one_click(editor_client, editor, committed):
    with committed():
        response = editor_client.post(
            ADD_URL, {"text": "Crue de la Moselle", "link": "/", "expires_at_0": "", "expires_at_1": ""}
        )
    assert response.status_code == 302 and response["Location"] == LIST_URL
    alert = Alert.objects.get()
    assert alert.is_shown and alert.created_by == editor and alert.expires_at is None  # emptied: no end
    html = editor_client.get(LIST_URL).content.decode()
    take_down = reverse("admin:alerts_alert_take_down", args=[alert.pk])
    assert f'action="{take_down}"' in html and "Retirer l’alerte" in html and "csrfmiddlewaretoken" in html
    assert editor_client.get(take_down).status_code == 405  # never by a mere link
    with committed():
        response = editor_client.post(take_down)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert not alert.is_current and alert.removed_by == editor
    html = editor_client.get(LIST_URL).content.decode()
    assert "Aucune alerte n’est affichée." in html and "Retirée" in html  # the history


def test_journalists_see_alerts_but_may_not_put_one_up_nor_take_it_down(journalist_client, editor):
    alert = put_up(by=editor)
    assert journalist_client.get(LIST_URL).status_code == 200
    assert journalist_client.get(ADD_URL).status_code == 403
    take_down = reverse("admin:alerts_alert_take_down", args=[alert.pk])
    assert journalist_client.post(take_down).status_code == 403
    assert "Retirer l’alerte" not in journalist_client.get(LIST_URL).content.decode()
    alert.refresh_from_db()
    assert alert.is_current


def test_past_alerts_are_history_read_only_and_nobody_deletes_one(editor_client, editor):
    past = put_up("Ancienne", by=editor)
    put_up("Nouvelle", by=editor)
    html = editor_client.get(reverse("admin:alerts_alert_change", args=[past.pk])).content.decode()
    assert 'name="text"' not in html  # shown, not editable
    assert editor_client.get(reverse("admin:alerts_alert_delete", args=[past.pk])).status_code == 403


def test_the_admin_action_puts_a_prepared_alert_up(editor_client, editor, committed):
    prepared = Alert.objects.create(text="Préparée", link="/")
    shown = put_up("En ligne", by=editor)
    with committed():
        response = editor_client.post(
            LIST_URL, {"action": "put_up_again", "_selected_action": [prepared.pk], "index": 0}
        )
    assert response.status_code == 302
    prepared.refresh_from_db()
    shown.refresh_from_db()
    assert prepared.is_shown and not shown.is_current
    assert current_banner().text == "Préparée"


def test_admin_pages_are_never_cached(editor_client, editor, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    put_up(by=editor)
    response = editor_client.get(LIST_URL)
    assert (
        "X-Cache" not in response and "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    )


# Readers: every page, no extra query ---------------------------------------------------------------


@pytest.fixture
def site(make_article, section):
    article = make_article("Le FC Metz gagne", slug="fc-metz")
    page = Page(title="À propos", slug="a-propos", status=Page.Status.PUBLISHED, body="<p>Qui nous sommes.</p>")
    page.save()
    return {
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": reverse("search:results") + "?q=Metz",
        "page": page.get_absolute_url(),
    }


@pytest.mark.parametrize("name", ["home", "section", "article", "search", "page"])
def test_every_reader_page_shows_the_alert_above_its_content(client, site, editor, name, committed):
    assert banner_of(client.get(site[name]).content.decode()) is None
    with committed():
        put_up("Incendie <rue> « Serpenoise »", link="/2026/12/07/incendie/", by=editor)
    html = client.get(site[name]).content.decode()
    banner = banner_of(html)
    assert banner is not None, name
    assert 'aria-labelledby="alerte-info"' in banner and ">Alerte info</strong>" in banner
    assert '<a href="/2026/12/07/incendie/">Incendie &lt;rue&gt; « Serpenoise »</a>' in banner
    assert html.index("breaking-alert") < html.index('<main id="contenu"')
    assert "<script" not in banner and 'role="alertdialog"' not in html


def queries_of(client, url, django_assert_max_num_queries) -> tuple[int, str]:
    client.get(url)  # warm the menu's and the alert's cached values, as on any running site
    with django_assert_max_num_queries(READER_PAGE_BUDGET) as queries:
        html = client.get(url).content.decode()
    return len(queries), html


@pytest.mark.parametrize("name", ["home", "section", "article", "page"])
def test_the_banner_costs_no_query(client, site, editor, name, django_assert_max_num_queries, committed):
    """The same count with and without an alert: the banner is read from the cache."""
    without, html = queries_of(client, site[name], django_assert_max_num_queries)
    assert banner_of(html) is None
    with committed():
        put_up(by=editor)
    shown, html = queries_of(client, site[name], django_assert_max_num_queries)
    assert banner_of(html) is not None
    assert shown == without


def test_a_lost_cached_value_costs_one_query(client, site, editor, django_assert_max_num_queries, committed):
    with committed():
        put_up(by=editor)
    warm_count, _ = queries_of(client, site["article"], django_assert_max_num_queries)
    cache.delete(CURRENT_KEY)
    with django_assert_max_num_queries(READER_PAGE_BUDGET) as queries:
        assert banner_of(client.get(site["article"]).content.decode()) is not None
    assert len(queries) == warm_count + 1
    assert "alerts_alert" in queries.captured_queries[-1]["sql"] or any(
        "alerts_alert" in query["sql"] for query in queries.captured_queries
    )


# The page cache: one tag, one purge, expiry ----------------------------------------------------------


CACHED = ("home", "section", "article", "page")


def warm(client, site):
    for name in CACHED:
        client.get(site[name])
        response = client.get(site[name])
        assert response["X-Cache"] == "HIT", name
        assert ALERT_TAG in response["Cache-Tag"].split(","), name


def test_every_kept_page_carries_the_alert_tag_and_a_search_stays_unkept(client, site, page_cache):
    warm(client, site)
    assert "X-Cache" not in client.get(site["search"])  # the banner does not offer a page to the cache


def test_putting_up_and_down_purges_the_one_tag_and_reaches_every_cached_page(
    client, site, page_cache, editor, purges, committed
):
    warm(client, site)
    marks_before = pagecache.core.tag_marks(["menu", "footer"])
    with committed():
        alert = put_up(by=editor)
    assert purges == [({ALERT_TAG}, False)]  # nothing was withdrawn: an ordinary purge
    for name in CACHED:
        response = client.get(site[name])
        assert response["X-Cache"] == "MISS" and banner_of(response.content.decode()), name
        assert client.get(site[name])["X-Cache"] == "HIT", name
    # The cache was not emptied: other tags' marks stayed as they were.
    assert pagecache.core.tag_marks(["menu", "footer"]) == marks_before

    purges.clear()
    with committed():
        alert.take_down(by=editor)
    assert purges == [({ALERT_TAG}, True)]  # withdrawn: never served stale
    for name in CACHED:
        response = client.get(site[name])
        assert response["X-Cache"] == "MISS" and banner_of(response.content.decode()) is None, name


def test_replacing_the_alert_shown_is_a_withdrawal(client, site, page_cache, editor, purges, committed):
    with committed():
        put_up("Première", by=editor)
    purges.clear()
    with committed():
        put_up("Seconde", by=editor)
    assert purges == [({ALERT_TAG}, True)]


def hold_the_lock(url: str) -> None:
    """As another worker that began rendering this page again (tests/test_page_cache_stale.py does the same)."""
    address = PageCacheMiddleware(lambda request: None).address(RequestFactory().get(url))
    stored = cache.get(address.key)
    cache.set(address.lock_key(stored), time.time(), timeout=3600)


def test_a_taken_down_alert_is_never_served_stale(client, site, page_cache, editor, committed, settings):
    settings.PAGE_CACHE_REVALIDATE_SECONDS = 5
    with committed():
        alert = put_up("Première", by=editor)
    warm(client, site)
    with committed():
        alert.text = "Première, corrigée"
        alert.save()
        alert_changed.send(sender=Alert, withdrawn=False)  # a correction: an ordinary purge
    hold_the_lock(site["article"])
    stale = client.get(site["article"])
    assert stale["X-Cache"] == "STALE" and "Première</a>" in stale.content.decode()  # for that moment only

    with committed():
        alert.take_down(by=editor)
    hold_the_lock(site["article"])
    response = client.get(site["article"])  # the other worker's render still under way: this one renders too
    assert response["X-Cache"] == "MISS" and banner_of(response.content.decode()) is None


def test_an_editor_corrects_the_alert_shown(editor_client, client, site, editor, purges, committed):
    with committed():
        alert = put_up("Incendie rue Serpenoise", by=editor)
    purges.clear()
    change = reverse("admin:alerts_alert_change", args=[alert.pk])
    with committed():
        response = editor_client.post(
            change,
            {"text": "Incendie rue des Clercs", "link": "/", "expires_at_0": "", "expires_at_1": ""},
        )
    assert response.status_code == 302
    assert purges == [({ALERT_TAG}, False)]
    assert "Incendie rue des Clercs" in banner_of(Client().get(site["home"]).content.decode())


def test_a_deleted_alert_leaves_every_page_at_once(editor, purges, committed):
    with committed():
        alert = put_up(by=editor)
    purges.clear()
    with committed():
        alert.delete()
    assert purges == [({ALERT_TAG}, True)] and current_banner() is None


def test_a_cached_page_expires_with_the_alert(client, site, page_cache, editor, committed):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        with committed():
            put_up(by=editor, expires_at=now + timedelta(minutes=10))
        client.get(site["article"])
        response = client.get(site["article"])
        assert response["X-Cache"] == "HIT"
        max_age = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
        assert 0 < max_age <= 600  # kept no later than the alert's end (cache_until), for the CDN too
    with time_machine.travel(now + timedelta(minutes=10, seconds=1), tick=False):
        response = client.get(site["article"])
        assert response["X-Cache"] == "MISS" and banner_of(response.content.decode()) is None
        assert client.get(site["article"])["X-Cache"] == "HIT"  # no alert: kept for the usual hour again


hooked: list[list[str]] = []


def record_hook(tags: list[str]) -> None:
    hooked.append(tags)


@pytest.mark.django_db(transaction=True)
def test_the_cdn_purge_hook_gets_the_one_tag_after_the_commit(page_cache, editor, settings):
    settings.PAGE_CACHE_PURGE_HOOK = "test_alerts.record_hook"
    hooked.clear()
    alert = put_up(by=editor)
    alert.take_down(by=editor)
    assert hooked == [[ALERT_TAG], [ALERT_TAG]]


# The demo ----------------------------------------------------------------------------------------


def test_the_demo_prepares_an_alert_that_is_not_up(editor_client, committed):
    from alerts.demo import load_demo_alert

    reports = []
    for _ in range(2):  # idempotent: the second run adds nothing
        load_demo_alert(sender=None, report=lambda *args: reports.append(args))
    assert reports == [("Alerte info", 1, 1), ("Alerte info", 0, 1)]
    alert = Alert.objects.get()
    assert not alert.is_current and alert.status == "Pas encore en ligne"
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert alert.status == "Pas encore en ligne"  # whatever its end said: it never was up
    with committed():
        editor_client.post(LIST_URL, {"action": "put_up_again", "_selected_action": [alert.pk], "index": 0})
    assert current_banner().text == alert.text


# Valid HTML -----------------------------------------------------------------------------------------


@pytest.mark.skipif(not (shutil.which("java") and VNU_JAR.exists()), reason="Java or vnu-jar missing: ensure-packages")
def test_pages_with_the_banner_are_valid_html(client, site, editor, committed, tmp_path):
    with committed():
        put_up("Crue : « routes fermées » & déviations", link="https://www.metz.fr/?a=1&b=2", by=editor)
    for name in ("home", "article", "search"):
        response = client.get(site[name])
        assert banner_of(response.content.decode()), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert nu_errors(tmp_path) == {}
