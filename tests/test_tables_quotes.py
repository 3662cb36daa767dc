"""Tables, quotations with their source and pull quotes: stored, checked, rendered, searched, fed.

What the editor (static/articles/editor/table.js, quote.js) writes is stored in the plain form of
docs/article-body.md; readers get a table in a box that scrolls on a phone, named by its caption,
a quotation with its source under it, a pull quote set apart. Tables beyond the limits are refused
through the admin with the text kept; search finds a word of any cell.
"""

import re

import feedparser
import pytest
from admin_pages import article_form_data, field_row
from django.urls import reverse

from articles.body import References, clean_body, plain_text, render_body
from articles.models import Article

pytestmark = pytest.mark.django_db

# Exactly what the editor's getHTML() gives for a captioned table with a header row and column
# (Tiptap writes colspan and rowspan on every cell, and contenteditable on the caption it draws).
EDITOR_TABLE = (
    '<table><caption contenteditable="false">Résultats du 1er tour</caption><tbody>'
    '<tr><th colspan="1" rowspan="1"><p>Liste</p></th><th colspan="1" rowspan="1"><p>Voix</p></th></tr>'
    '<tr><th colspan="1" rowspan="1"><p>Union</p></th><td colspan="1" rowspan="1"><p>12 345</p></td></tr>'
    "</tbody></table>"
)
STORED_TABLE = (
    "<table><caption>Résultats du 1er tour</caption><tbody>"
    '<tr><th scope="col"><p>Liste</p></th><th scope="col"><p>Voix</p></th></tr>'
    '<tr><th scope="row"><p>Union</p></th><td><p>12 345</p></td></tr>'
    "</tbody></table>"
)
LIMIT_MESSAGE = "Coupez-le en plusieurs tableaux"


def render(html: str) -> str:
    return str(render_body(html, References(images={}, articles={})))


def table(rows: int, columns: int, caption: str = "") -> str:
    cells = "".join("<tr>" + "<td><p>1</p></td>" * columns + "</tr>" for _ in range(rows))
    return f"<table>{f'<caption>{caption}</caption>' if caption else ''}<tbody>{cells}</tbody></table>"


# Stored ---------------------------------------------------------------------------------------


def test_the_editors_table_is_stored_plain_with_its_caption_and_header_scopes():
    assert clean_body(f"<p>Avant.</p>{EDITOR_TABLE}") == f"<p>Avant.</p>{STORED_TABLE}"


def test_a_stored_table_is_stored_again_unchanged():
    assert clean_body(STORED_TABLE) == STORED_TABLE


def test_merged_cells_and_foreign_attributes_are_dropped():
    pasted = (
        '<table class="wp-block-table" style="width:100%"><thead><tr><th colspan="2" style="color:red">Liste</th>'
        '</tr></thead><tbody><tr><td rowspan="2" onclick="alert(1)">Union</td><td>12 345</td></tr></tbody></table>'
    )
    assert clean_body(pasted) == (
        '<table><thead><tr><th scope="col">Liste</th></tr></thead>'
        "<tbody><tr><td>Union</td><td>12 345</td></tr></tbody></table>"
    )


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ('<th scope="row">', '<th scope="row">'),  # the journalist's choice is kept
        ('<th scope="colgroup">', '<th scope="col">'),  # not one we keep: chosen again by position
        ('<th scope="x" onmouseover="alert(1)">', '<th scope="col">'),
    ],
)
def test_a_header_scope_is_kept_only_when_it_is_col_or_row(written, stored):
    body = f"<table><tbody><tr>{written}<p>Liste</p></th><th><p>Voix</p></th></tr></tbody></table>"
    assert clean_body(body).startswith(f"<table><tbody><tr>{stored}<p>Liste</p></th>")


def test_a_quotation_with_its_source_and_a_pull_quote_are_stored_as_written():
    body = (
        '<blockquote data-source="Jean Dupont, maire de Metz"><p>Nous serons prêts.</p></blockquote>'
        '<blockquote data-pullquote=""><p>Cette ville mérite mieux.</p></blockquote>'
    )
    assert clean_body(body) == body


# Rendered for readers ---------------------------------------------------------------------------


def test_readers_get_the_table_in_a_scrolling_box_named_by_its_caption():
    rendered = render(STORED_TABLE + table(1, 2))
    assert rendered.startswith(
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="tableau-1">'
        '<table><caption id="tableau-1">Résultats du 1er tour</caption><tbody>'
        '<tr><th scope="col"><p>Liste</p></th>'
    )
    assert '<th scope="row"><p>Union</p></th>' in rendered
    # Without a caption, the box is still named, as a table.
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Tableau"><table><tbody>' in rendered
    assert rendered.count("<div") == rendered.count("</div>") == 2


def test_readers_get_the_quotations_source_under_it_and_the_pull_quote_set_apart():
    rendered = render(
        '<blockquote data-source="Jean Dupont &lt;maire&gt;"><p>Nous serons prêts.</p></blockquote>'
        '<blockquote data-pullquote=""><p>Cette ville mérite mieux.</p></blockquote>'
        "<blockquote><p>Sans source.</p></blockquote>"
    )
    assert rendered == (
        '<figure class="quote"><blockquote><p>Nous serons prêts.</p></blockquote>'
        "<figcaption>— Jean Dupont &lt;maire&gt;</figcaption></figure>"
        '<figure class="pullquote"><blockquote><p>Cette ville mérite mieux.</p></blockquote></figure>'
        "<blockquote><p>Sans source.</p></blockquote>"
    )


def test_the_article_page_shows_them(client, make_article):
    article = make_article(
        "Municipales",
        body=STORED_TABLE + '<blockquote data-source="Jean Dupont"><p>Nous serons prêts.</p></blockquote>',
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="tableau-1">' in html
    assert "<figcaption>— Jean Dupont</figcaption>" in html


# Limits, through the admin as the editor posts it --------------------------------------------------


def refused(client, section, body) -> str:
    """Post ``body``: refused, nothing saved, the typed text back in the form; the body's row."""
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(section, _publish=True, tags="", body=body)
    )
    assert response.status_code == 200, "the admin saved what it should have refused"
    assert not Article.objects.exists()
    form = response.context["adminform"].form
    assert form["body"].value() == body, "the typed text must come back in the form"
    return re.sub(r"\s+", " ", field_row(response.content.decode(), "body")).replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("rows", "columns", "said"),
    [
        (1, 31, "a 31 cellules sur 31 colonnes"),
        (143, 7, "a 1 001 cellules sur 7 colonnes"),
        (100, 100, "a 10 000 cellules sur 100 colonnes"),  # a hostile paste
    ],
)
def test_a_table_beyond_the_limits_is_refused_with_the_text_kept(editor_client, section, rows, columns, said):
    row = refused(editor_client, section, f"<p>Les résultats.</p>{table(rows, columns)}")
    assert LIMIT_MESSAGE in row
    assert f"Le tableau n° 1 {said}" in row
    assert "au plus 1 000, sur 30 colonnes" in row


def test_a_table_hiding_its_cells_behind_nested_tables_is_refused(editor_client, section):
    row = "<tr>" + "<td><p>1</p></td>" * 9 + "<td><table><tbody><tr><td><p>x</p></td></tr></tbody></table></td></tr>"
    row_text = refused(editor_client, section, f"<table><tbody>{row * 1000}</tbody></table>")
    assert LIMIT_MESSAGE in row_text
    assert "Un tableau en contient un autre" in row_text


def test_a_table_at_the_limits_is_saved(editor_client, section):
    body = f"<p>Les résultats.</p>{table(33, 30)}<p>Et un autre.</p>{table(1000, 1)}"
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(section, _publish=True, tags="", body=body)
    )
    assert response.status_code == 302
    assert Article.objects.get().body == body


# Search, excerpts and feeds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        STORED_TABLE,
        # As an import may store it: cells and caption with no paragraph inside.
        "<table><caption>Résultats</caption><tbody><tr><th>Liste</th><th>Voix</th></tr>"
        "<tr><td>Union</td><td>12 345</td></tr></tbody></table>",
    ],
)
def test_the_words_of_cells_and_caption_stay_apart(body):
    text = plain_text(body)
    assert "Union 12 345" in text
    assert re.search(r"(tour|Résultats) Liste Voix Union", text), text


def test_search_finds_a_word_of_a_cell_and_of_the_caption(client, make_article):
    make_article(
        "Les municipales à Metz",
        body="<p>Les chiffres.</p><table><caption>Participation</caption><tbody><tr><th>Liste</th>"
        "<th>Voix</th></tr><tr><td>Rassemblement</td><td>12 345</td></tr></tbody></table>",
    )
    make_article("Autre chose", body="<p>Rien à voir.</p>")
    for word in ["Rassemblement", "Participation", "Liste"]:
        response = client.get(reverse("search:results"), {"q": word})
        assert "Les municipales à Metz" in response.content.decode(), word
        assert "Autre chose" not in response.content.decode()


def test_feeds_never_flatten_a_table(client, make_article):
    """Feed items carry the standfirst (articles/feeds.py); a body, if a feed carries one, keeps its table."""
    make_article("Municipales", body=STORED_TABLE, standfirst="Les résultats du premier tour.")
    response = client.get(reverse("articles:feed"))
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    (item,) = feed.entries
    assert item.description == "Les résultats du premier tour."
    assert "Union12" not in response.content.decode()
    for content in item.get("content", []):
        assert "<table>" in content.value and "<caption" in content.value


# The editor offers them ----------------------------------------------------------------------------


def test_the_article_form_loads_the_table_and_quotation_modules(editor_client):
    html = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "articles/editor/table.js" in html and "articles/editor/quote.js" in html
    assert "&quot;Table&quot;" in html or '"Table"' in html
