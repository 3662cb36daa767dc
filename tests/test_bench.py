"""The benchmarks' pieces: the synthetic archive generator, the WordPress export generator, the hello-world
baseline and the HTTP benchmark's management commands (scripts/bench_http.py's own: tests/test_bench_http.py)."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from taggit.models import Tag

from articles.body import clean_body
from articles.caching import page_tag
from articles.models import Article, Personality, Section, Territory
from bench.generator import THREAD_APPROVED, generate
from bench.management.commands.bench_edits import Command as BenchEdits
from bench.management.commands.bench_pages import Command as BenchPages
from bench.pages import commented_article, reader_pages
from bench.wordpress_export import write_export
from comments.models import Comment
from wordpress.models import ImportedItem


@pytest.fixture
def archive(db):
    summary = generate(30, 250, seed=3, stream=io.StringIO())
    return summary


def test_generator_writes_the_requested_archive(archive):
    assert (archive.articles, archive.comments) == (30, 250)
    assert Article.objects.published().count() == 30
    assert Comment.objects.count() == 250
    assert Section.objects.count() == 8
    assert Territory.objects.filter(kind=Territory.Kind.COMMUNE).count() == 40
    assert Territory.objects.filter(kind=Territory.Kind.DEPARTEMENT).count() == 4
    region = Territory.objects.get(kind=Territory.Kind.REGION)
    # Containers were rebuilt: every commune is inside the région.
    assert Territory.objects.filter(kind=Territory.Kind.COMMUNE, containers=region).count() == 40
    assert Personality.objects.count() == 200
    assert Tag.objects.count() == 500
    assert get_user_model().objects.filter(is_staff=True, articles__isnull=False).exists()

    links = Article.objects.annotate(
        places=Count("territories", distinct=True),
        people=Count("personalities", distinct=True),
        topics=Count("tags", distinct=True),
        writers=Count("authors", distinct=True),
        approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED), distinct=True),
    )
    for article in links:
        assert 1 <= article.places <= 3
        assert 0 <= article.people <= 2
        assert 0 <= article.topics <= 4
        assert 1 <= article.writers <= 2
        assert article.comment_count == article.approved


def test_the_newest_articles_have_exactly_fifty_approved_comments(archive):
    threads = Article.objects.filter(pk__in=archive.thread_article_ids)
    assert len(archive.thread_article_ids) == 3
    assert list(threads.values_list("comment_count", flat=True)) == [THREAD_APPROVED] * 3
    newest = Article.objects.published().order_by("-published_at")[:3]
    assert {article.pk for article in newest} == set(archive.thread_article_ids)
    # Replies answer an approved comment of the same article, three levels deep at most.
    replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
    assert replies.exists()
    for reply in replies:
        assert reply.parent.article_id == reply.article_id
        assert reply.parent.status == Comment.Status.APPROVED
        assert reply.depth == reply.parent.depth + 1 <= 3


def test_generated_text_is_what_the_editor_stores_and_is_searchable(archive, client):
    article = Article.objects.published().order_by("-published_at").first()
    assert "<h2>" in article.body and "<ul>" in article.body
    assert clean_body(article.body) == article.body
    if connection.vendor == "postgresql":
        assert not Article.objects.filter(search_vector__isnull=True).exists()
    else:
        assert not Article.objects.filter(search_text="").exists()
    # Every page the benchmark measures answers.
    for name, url in reader_pages():
        assert client.get(url).status_code == 200, name


def test_the_generated_archive_has_its_sitemaps(archive):
    """COPY skips the signals that keep the subjects' dates: the generator finds them at its end."""
    from articles.models import SubjectDate
    from articles.subject_dates import recompute_all

    kept = set(SubjectDate.objects.values_list("kind", "subject_id", "latest_published_at"))
    assert {kind for kind, _, _ in kept} >= {"section", "tag", "author", "personality", "territory"}
    recompute_all()
    assert set(SubjectDate.objects.values_list("kind", "subject_id", "latest_published_at")) == kept


def test_generator_refuses_a_database_with_articles(archive):
    with pytest.raises(RuntimeError, match="empty"):
        generate(10, 0, stream=io.StringIO())


@pytest.mark.urls("bench.urls")
@pytest.mark.parametrize("size", [5, 12_345])
def test_hello_world_returns_exactly_the_bytes_asked_for(client, size):
    response = client.get(f"/__bench__/hello/{size}/")
    assert response.status_code == 200
    assert len(response.content) == size
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_hello_world_is_not_routed_by_the_site(client, db):
    assert client.get("/__bench__/hello/100/").status_code == 404


def test_wordpress_export_is_the_same_for_the_same_seed(tmp_path):
    first = write_export(tmp_path / "a.xml", posts=15, seed=7)
    second = write_export(tmp_path / "b.xml", posts=15, seed=7)
    other = write_export(tmp_path / "c.xml", posts=15, seed=8)
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
    assert (tmp_path / "a.xml").read_bytes() != (tmp_path / "c.xml").read_bytes()
    assert first.terms == {"category": 12, "post_tag": 300, "ville": 60, "personnalite": 40}
    assert first.comments == second.comments == other.comments == 75  # five per post on average
    text = (tmp_path / "a.xml").read_text()
    assert "<h3>" in text and "<ul>" in text and "?p=" in text and "<wp:comment_parent>" in text


def test_wordpress_export_is_what_the_importer_reads(db, tmp_path):
    export = write_export(tmp_path / "export.xml", posts=20, comments_per_post=5, seed=4)
    out = io.StringIO()
    call_command("import_wordpress", export.path, stdout=out, stderr=io.StringIO())

    assert Article.objects.count() == export.importable_posts
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == export.by_status.get(
        "publish", 0
    ) + export.by_status.get("future", 0)
    assert Comment.objects.count() == export.importable_comments
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == export.comments_by_status["0"]
    assert Comment.objects.filter(parent__isnull=False).exists()  # threads kept
    assert Territory.objects.count() == 60 and Personality.objects.count() == 40
    assert ImportedItem.objects.filter(kind=ImportedItem.Kind.AUTHOR).count() == 20
    assert Article.objects.filter(territories__isnull=False).distinct().count() == export.importable_posts
    # Every shortcode is gone from the stored bodies, mangled quotes or not.
    assert export.notes and export.unknown_shortcodes
    assert not Article.objects.filter(body__contains="[note").exists()
    assert not Article.objects.filter(body__contains="[/").exists()


def test_bench_pages_lists_every_sitemap_the_index_names(archive, client):
    out = io.StringIO()
    call_command(BenchPages(), "--sitemaps", stdout=out)
    sitemaps = {sitemap["name"]: sitemap["url"] for sitemap in json.loads(out.getvalue())}

    index = client.get(sitemaps["index"]).content.decode()
    for name, url in sitemaps.items():
        response = client.get(url)
        assert response.status_code == 200, name
        if name not in ("index", "news"):
            assert f"http://testserver{url.split('?')[0]}" in index, name


def test_bench_pages_never_clears_the_shared_cache(archive):
    """Its « cold » counts come from a private cache: the servers' Redis is another process's."""
    cache.set("another-process-page", "kept", timeout=60)
    out = io.StringIO()

    call_command(BenchPages(), stdout=out)  # the bench app is installed by bench.settings only

    assert cache.get("another-process-page") == "kept"
    pages = {page["name"]: page for page in json.loads(out.getvalue())}
    assert pages["article, 50 comments"]["queries_cold"] >= pages["article, 50 comments"]["queries_warm"]


def test_bench_edits_saves_the_article_through_the_model_and_puts_it_back(archive, monkeypatch):
    purged = []
    monkeypatch.setattr("pagecache.purge", lambda *tags, **options: purged.append(set(tags)))
    article = commented_article()
    out = io.StringIO()

    call_command(BenchEdits(), seconds=0.2, every=0.1, stdout=out)

    lines = out.getvalue().splitlines()
    report = json.loads(lines[-1])
    assert lines[0] == "ready"
    # Two edits, then the save that puts the standfirst back: each ran the site's purge receivers.
    assert (report["article"], report["edits"], len(report["save_ms"])) == (article.pk, 3, 3)
    assert sum(page_tag(article.pk) in tags for tags in purged) == 3
    article.refresh_from_db()
    assert "mise à jour" not in article.standfirst
