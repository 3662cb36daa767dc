"""Reader pages run a fixed number of SQL queries, whatever the number of tags, places, people and articles.

The budget is the site's promise (≤ 8 per reader page); each page's exact count is pinned
so that an N+1 slipping in shows up as a failure, not as a slow page in production.
"""

import pytest
from django.urls import reverse

from articles.models import Territory

pytestmark = pytest.mark.django_db

READER_PAGE_BUDGET = 8


@pytest.fixture
def populate(make_article, make_territory, make_personality, make_user, section):
    """n of everything around one article, plus n other articles in every list."""

    def build(n):
        region = make_territory("Grand Est", kind=Territory.Kind.REGION, slug="grand-est")
        territories = [make_territory(f"Commune {i}", parent=region, slug=f"commune-{i}") for i in range(n)]
        people = [make_personality(f"Personne {i}", slug=f"personne-{i}") for i in range(n)]
        authors = [make_user(f"auteur{i}") for i in range(n)]
        tags = [f"Thème {i}" for i in range(n)]
        others = [
            make_article(f"Autre {i}", territories=territories, personalities=people, tags=tags, authors=authors)
            for i in range(n)
        ]
        main = make_article(
            "Article principal",
            slug="principal",
            territories=territories,
            personalities=people,
            tags=tags,
            authors=authors,
            related=others,
            is_featured=True,
        )
        return {
            "home": reverse("articles:home"),
            "article": main.get_absolute_url(),
            "section": section.get_absolute_url(),
            "territory": region.get_absolute_url(),
            "personality": people[0].get_absolute_url(),
            "tag": reverse("articles:tag", args=["theme-0"]),
            "author": reverse("articles:author", args=[authors[0].pk]),
        }

    return build


EXPECTED_QUERIES = {
    # article: article+section+main image, authors, tags, territories and personalities (one query),
    # related, body references (images and linked articles), comments
    "article": 7,
    # lists: subject, count, page of articles
    "section": 3,
    "territory": 4,  # + places inside
    "personality": 3,
    "tag": 4,  # + « does a published article carry it? »
    # home: featured, latest per section
    "home": 2,
    # author: the person, « has a published article? », count, page of articles
    "author": 4,
}


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("page", list(EXPECTED_QUERIES))
def test_query_count_is_fixed_whatever_the_amount_of_content(client, populate, page, size, django_assert_num_queries):
    assert EXPECTED_QUERIES[page] <= READER_PAGE_BUDGET
    url = populate(size)[page]
    client.get(url)  # warm the menu cache, as on any running site
    with django_assert_num_queries(EXPECTED_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200
    # The content really is there: the page is not cheap because it is empty.
    assert response.content.decode().count("Autre ") >= min(size, 4) or page == "article"
