"""Reader pages run a fixed number of SQL queries, whatever the number of tags, places, people and articles.

The budget is the site's promise (≤ 8 per reader page); each page's exact count is pinned
so that an N+1 slipping in shows up as a failure, not as a slow page in production.
"""

import re
from datetime import timedelta

import factories
import pytest
from budgets import ARTICLE_PAGE_QUERIES, READER_PAGE_BUDGET
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction, Territory
from comments.models import Comment, reporter_key

pytestmark = pytest.mark.django_db


def build_newsroom(size: int) -> dict[str, str]:
    """``size`` of everything around one article (its rectificatifs and updates too), plus ``size``
    other articles in every list; the pages' addresses."""
    section = factories.make_section("Économie & emploi", slug="economie-emploi")
    region = factories.make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
    territories = [factories.make_territory(f"Commune {i}", parent=region, slug=f"commune-{i}") for i in range(size)]
    people = [factories.make_personality(f"Personne {i}", slug=f"personne-{i}") for i in range(size)]
    authors = [factories.make_user(f"auteur{i}") for i in range(size)]
    tags = [f"Thème {i}" for i in range(size)]
    around = {"section": section, "territories": territories, "personalities": people, "tags": tags, "authors": authors}
    others = [factories.make_article(f"Autre {i}", **around) for i in range(size)]
    main = factories.make_article("Article principal", slug="principal", related=others, is_featured=True, **around)
    # Its rectificatifs and updates, and one on every other article.
    kinds = [Correction.Kind.CORRECTION, Correction.Kind.UPDATE]
    for number in range(size):
        Correction.objects.create(article=main, kind=kinds[number % 2], text=f"Note n° {number} sur l’article.")
    for other in others:
        Correction.objects.create(article=other, text="Une date corrigée.")
    # Its comments: ``size`` approved ones, one of them featured (« Choix de la rédaction »,
    # taken from the thread's own query) and one hidden by readers' reports.
    moderator = factories.make_user("moderatrice", groups=["Modérateurs"])
    comments = [
        factories.make_comment(main, f"Avis n° {i}.", status=Comment.Status.APPROVED, moderator=moderator)
        for i in range(size + 1)
    ]
    comments[0].set_featured(True, by=moderator)
    for address in range(settings.COMMENTS_REPORTS_TO_HIDE):
        comments[-1].report("spam", "", reporter_key=reporter_key(f"192.0.2.{address}"))
    return {
        "home": reverse("articles:home"),
        "article": main.get_absolute_url(),
        "section": section.get_absolute_url(),
        "territory": region.get_absolute_url(),
        "personality": people[0].get_absolute_url(),
        "tag": reverse("articles:tag", args=["theme-0"]),
        "author": reverse("articles:author", args=[authors[0].pk]),
    }


@pytest.fixture(scope="class", params=[1, 30], ids=lambda size: f"{size}-of-each")
def newsroom(request, django_db_setup, django_db_blocker):
    """The newsroom of one size, built once for every page measured on it rather than once per page.

    Built in a transaction rolled back after the class, so that no other test finds it; each
    test's own transaction nests inside it as a savepoint. It is built before conftest.py's
    per-test settings apply, hence the same throwaway cache (saving content purges cached pages)
    and fast password hasher here.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            urls = build_newsroom(request.param)
        try:
            yield request.param, urls
        finally:
            transaction.set_rollback(True)


EXPECTED_QUERIES = {
    # article: article+section+main image; its places, people, tags, authors, what its text points to,
    # its related articles' ids and its rectificatifs and updates (one UNION: Article.page_data);
    # the related articles' cards (only when it has some, as here); comments (the whole thread, one
    # page shown). The body itself is stored rendered.
    "article": ARTICLE_PAGE_QUERIES + 1,
    # lists: subject, ids of the page and of the next few (no count), the page's articles;
    # a tag or an author without published articles is a 404 found by the second one
    "section": 3,
    "territory": 4,  # + places inside
    "personality": 3,
    "tag": 3,
    "author": 3,
    # home: the composition in force's articles (none here), « À la une » to fill the top, latest per
    # section; a composed top that needs no filling skips the second (articles.frontpage)
    "home": 3,
}


class TestReaderPages:
    @pytest.mark.parametrize("page", list(EXPECTED_QUERIES))
    def test_query_count_is_fixed_whatever_the_amount_of_content(
        self, client, newsroom, page, django_assert_num_queries
    ):
        size, urls = newsroom
        url = urls[page]
        client.get(url)  # warm the menu cache, as on any running site
        with django_assert_num_queries(EXPECTED_QUERIES[page]) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(queries) <= READER_PAGE_BUDGET
        # The content really is there: the page is not cheap because it is empty.
        html = response.content.decode()
        assert html.count("Autre ") >= min(size, 4) or page == "article"
        assert page != "article" or len(re.findall(r"<p>Note n° \d+ sur l’article.</p>", html)) == size
        if page == "article":  # the thread, its featured comment first, the reported one hidden
            featured = html.split('<section class="comments-featured"', 1)[1].split("</section>", 1)[0]
            assert "<p>Avis n° 0.</p>" in featured
            assert html.count("<p>Avis n° ") == size + 1  # the featured one twice, the hidden one not at all
            assert f"<p>Avis n° {size}.</p>" not in html


@pytest.mark.parametrize("size", [1, 60])
def test_front_page_runs_three_queries_whatever_the_size_of_the_archive(
    client, make_article, make_section, settings, size, django_assert_num_queries
):
    """The composed top, « À la une », then the latest of every section: one query each, not one per section nor per article."""
    sections = [make_section(f"Rubrique {i}", slug=f"rubrique-{i}", menu_position=i) for i in range(5)]
    make_article("Grand titre", section=sections[0], is_featured=True)
    now = timezone.now()
    for i in range(size):
        make_article(f"Autre {i:02d}", section=sections[i % 5], published_at=now - timedelta(hours=i + 2))
    client.get("/")  # warm the menu cache, as on any running site
    with django_assert_num_queries(EXPECTED_QUERIES["home"]):
        html = client.get("/").content.decode()
    shown = sorted(int(number) for number in re.findall(r"Autre (\d\d)<", html))
    # Each section shows its newest ones: articles i, i + 5, i + 10… of section i % 5.
    assert shown == sorted(i for i in range(size) if i // 5 < settings.HOME_ARTICLES_PER_SECTION)
    assert html.count("Grand titre<") == 1  # featured, not repeated in its section
    blocks = [html.index(f">Rubrique {i}</a></h2>") for i in range(min(size, 5))]
    assert blocks == sorted(blocks)  # in menu order
