"""Each subject's latest publication (articles.subject_dates), kept as articles change, and read by the sitemaps.

The rule checked after every change: the dates kept are the ones found again from the articles
(``recompute_all``), and the sitemaps list a subject iff a visible article is about it.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from taggit.models import Tag

from articles.models import Article, Personality, SubjectDate, Territory
from articles.sitemaps import SITEMAPS
from articles.subject_dates import dates_deferred, fill_after_migrate, recompute_all

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def kept() -> dict[tuple[str, int], object]:
    return {(row.kind, row.subject_id): row.latest_published_at for row in SubjectDate.objects.all()}


def assert_kept_as_found_again():
    """The dates kept are those the articles give (then found again, to compare)."""
    before = kept()
    recompute_all()
    assert before == kept()


def listed(client, key: str) -> dict[str, str]:
    """The addresses of a sitemap, with their lastmod."""
    response = client.get(reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": key}))
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=NS).removeprefix("http://testserver"): url.findtext("s:lastmod", namespaces=NS)
        for url in root.iterfind("s:url", NS)
    }


def day(moment) -> str:
    return timezone.localdate(moment).isoformat()


@pytest.fixture
def places(make_territory):
    region = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    moselle = make_territory("Moselle", kind=Territory.Kind.DEPARTEMENT, parent=region, slug="moselle")
    metz = make_territory("Metz", parent=moselle, slug="metz")
    nancy = make_territory("Nancy", slug="nancy")
    return region, moselle, metz, nancy


def test_dates_follow_every_change_of_articles_and_their_links(
    make_article, make_section, make_personality, make_user, places, editor
):
    region, moselle, metz, nancy = places
    now = timezone.now()
    maire, prefet = make_personality("Le maire", slug="le-maire"), make_personality("Le préfet", slug="le-prefet")
    anne = make_user("anne", first_name="Anne", last_name="Martin")
    sport = make_section("Sport", slug="sport")

    older = make_article(
        published_at=now - timedelta(days=3), tags=["Budget"], territories=[metz], personalities=[maire], authors=[anne]
    )
    newer = make_article(published_at=now - timedelta(days=1), tags=["Budget", "Travaux"], territories=[nancy])
    draft = make_article(status=Article.Status.DRAFT, tags=["Secret"], personalities=[prefet], section=sport)
    assert_kept_as_found_again()
    assert kept()[("territory", region.pk)] == older.published_at  # through Metz, inside it
    assert ("personality", prefet.pk) not in kept() and ("section", sport.pk) not in kept()

    draft.publish(by=editor)
    assert_kept_as_found_again()
    assert kept()[("personality", prefet.pk)] == draft.published_at

    # Links added and taken, from either side.
    older.tags.remove(Tag.objects.get(name="Budget"))
    older.personalities.add(prefet)
    maire.articles.add(newer)
    prefet.articles.remove(draft)
    assert_kept_as_found_again()
    newer.territories.clear()
    older.tags.set(["Travaux", "Voirie"])
    anne.articles.clear()
    assert_kept_as_found_again()
    assert ("author", anne.pk) not in kept()

    # Dates moved back, another section, unpublished, deleted.
    newer.published_at = now - timedelta(days=10)
    newer.save()
    older.section = sport
    older.save()
    assert_kept_as_found_again()
    draft.unpublish(by=editor)
    assert_kept_as_found_again()
    newer.delete()
    assert_kept_as_found_again()

    # The tree of places changes, a subject goes.
    metz.parent = None
    metz.save()
    assert_kept_as_found_again()
    assert ("territory", region.pk) not in kept()
    metz.parent = moselle
    metz.save()
    Personality.objects.filter(pk=prefet.pk).delete()
    assert_kept_as_found_again()
    assert kept()[("territory", region.pk)] == older.published_at


def test_an_unpublished_article_takes_its_subjects_out_of_the_sitemaps_and_back(
    client, make_article, make_personality, places, editor
):
    _region, _moselle, metz, _nancy = places
    maire = make_personality("Le maire", slug="le-maire")
    article = make_article(tags=["Budget"], territories=[metz], personalities=[maire], authors=[editor])
    date = day(article.published_at)
    assert listed(client, "mots-cles") == {"/mot-cle/budget/": date}
    assert listed(client, "territoires") == {
        "/territoire/metz/": date,
        "/territoire/moselle/": date,
        "/territoire/grand-est/": date,
    }

    article.unpublish(by=editor)

    for key in ("mots-cles", "territoires", "personnalites", "auteurs", "rubriques"):
        assert listed(client, key) == {}, key

    article.publish(by=editor)

    assert listed(client, "personnalites") == {"/personnalite/le-maire/": day(article.published_at)}
    assert listed(client, "auteurs") == {reverse("articles:author", args=[editor.pk]): day(article.published_at)}


def test_a_scheduled_article_shows_its_subjects_at_its_date_without_any_write(
    client, make_article, make_personality, time_machine
):
    now = timezone.now()
    maire = make_personality("Le maire", slug="le-maire")
    make_article(published_at=now - timedelta(days=2), personalities=[maire])
    scheduled = make_article(published_at=now + timedelta(days=1), personalities=[maire], tags=["Élection"])
    assert listed(client, "mots-cles") == {}
    assert listed(client, "personnalites") == {"/personnalite/le-maire/": day(now - timedelta(days=2))}
    index = client.get(reverse("sitemap_index")).content.decode()
    assert "sitemap-mots-cles.xml" in index

    time_machine.move_to(now + timedelta(days=1, minutes=1))

    assert listed(client, "mots-cles") == {"/mot-cle/election/": day(scheduled.published_at)}
    assert listed(client, "personnalites") == {"/personnalite/le-maire/": day(scheduled.published_at)}


def test_dates_written_without_signals_are_found_again_by_the_command(client, make_article, make_personality):
    maire = make_personality("Le maire", slug="le-maire")
    article = make_article(tags=["Budget"], personalities=[maire])
    # As a bulk load leaves them: no date kept.
    SubjectDate.objects.all().delete()
    assert listed(client, "mots-cles") == {}

    call_command("refresh_subject_dates", stdout=io.StringIO())

    assert listed(client, "mots-cles") == {"/mot-cle/budget/": day(article.published_at)}
    assert_kept_as_found_again()


def test_the_migration_that_makes_the_table_is_followed_by_finding_every_date(client, make_article):
    """Upgrading a site with articles: its sitemaps are not empty after ``migrate`` (the dates are
    found once every migration has run, with the tables today's code reads)."""
    from django.db.migrations import Migration

    article = make_article(tags=["Budget"])
    SubjectDate.objects.all().delete()

    fill_after_migrate(plan=[(Migration("0018_dossiers_roles", "articles"), False)])
    assert listed(client, "mots-cles") == {}
    fill_after_migrate(plan=[(Migration("0019_subject_dates", "articles"), True)])  # backwards
    assert listed(client, "mots-cles") == {}

    fill_after_migrate(plan=[(Migration("0019_subject_dates", "articles"), False)])
    assert listed(client, "mots-cles") == {"/mot-cle/budget/": day(article.published_at)}
    assert_kept_as_found_again()


@pytest.mark.parametrize("subjects", [1, 30])
def test_the_index_and_a_subject_sitemap_cost_the_same_queries_at_any_size(
    client, make_article, make_personality, subjects, django_assert_num_queries
):
    now = timezone.now()
    for number in range(subjects):
        personality = make_personality(f"Personnalité {number}", slug=f"personnalite-{number}")
        make_article(personalities=[personality], tags=[f"Mot {number}"], published_at=now - timedelta(hours=number))
    make_article(published_at=now + timedelta(days=1), tags=["Mot 0", "Programmé"])  # one scheduled date kept

    # The dates of the subjects whose kept date is to come, the latest date with the count, the page.
    with django_assert_num_queries(3):
        assert len(listed(client, "mots-cles")) == subjects
    # Per subject sitemap: the same dates to come, the latest date with the count; the articles':
    # their latest dates, their count; the home page's: its latest date; the static pages': one read.
    sitemaps_of_subjects = len(SITEMAPS) - 3
    with django_assert_num_queries(2 * sitemaps_of_subjects + 2 + 1 + 1):
        assert client.get(reverse("sitemap_index")).status_code == 200


def test_a_batch_of_writes_finds_the_dates_it_touched_once_when_it_ends(make_article, make_personality, places, editor):
    """``dates_deferred()`` (the WordPress import's batches): nothing kept during it, the right dates after,
    even for a change taken back by a rolled-back transaction inside it."""
    _region, _moselle, metz, nancy = places
    now = timezone.now()
    maire = make_personality("Le maire", slug="le-maire")
    with dates_deferred():
        first = make_article(published_at=now - timedelta(days=2), tags=["Budget"], territories=[metz])
        second = make_article(published_at=now - timedelta(days=1), tags=["Budget"], personalities=[maire])
        try:
            with transaction.atomic():
                make_article(published_at=now, tags=["Budget"], territories=[nancy])
                raise RuntimeError("a post that fails")
        except RuntimeError:
            pass
        second.unpublish(by=editor)
        assert not SubjectDate.objects.exists()  # nothing yet: found when the batch ends
    assert_kept_as_found_again()
    assert kept()[("tag", Tag.objects.get(name="Budget").pk)] == first.published_at
    assert ("personality", maire.pk) not in kept()
    assert ("territory", nancy.pk) not in kept()
