"""The article page's hot path (issue 22): its shortcuts give exactly what the plain way gives.

The thread's query compiled once and run raw, the thread's markup with its words, time zone and
report address worked out once, the form's fields written in Python: each is checked here
against the code it stands in for.
"""

import re
from datetime import UTC, datetime

import pytest
from django.template import engines
from django.urls import reverse

from articles.templatetags.newsroom import french_date, french_dates
from comments import page_part
from comments.forms import CommentForm
from comments.models import Comment
from comments.page_part import load_thread, shared_thread
from comments.rendering import render_fields
from comments.thread import THREAD_FIELDS, build_tree, paginate, render_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_article, make_comment, make_approved_comment):
    """An article whose thread holds every case: replies, an erased comment with a reply, a comment
    hidden by reports, held ones, a featured one; and a comment on another article."""
    article = make_article("Un article commenté", slug="commente")
    first = make_approved_comment(article, author_url="https://exemple.fr/", is_featured=True)
    make_approved_comment(article, parent=first)
    erased = make_approved_comment(article)
    make_approved_comment(article, parent=erased)
    erased.erase()
    hidden = make_approved_comment(article)
    Comment.objects.filter(pk=hidden.pk).update(hidden_by_reports=True)
    held = make_comment(article)
    make_comment(article, status=Comment.Status.SPAM)
    make_approved_comment(make_article("Un autre article", slug="autre"))
    return article, held


def fields_of(comments) -> list[tuple]:
    return [(comment.pk, *(getattr(comment, name) for name in THREAD_FIELDS)) for comment in comments]


def test_the_shared_thread_is_the_querysets(thread):
    article, _held = thread
    expected = Comment.objects.for_thread(article).only(*THREAD_FIELDS)
    found = shared_thread(article).comments
    assert fields_of(found) == fields_of(expected)
    assert len(found) == 4  # the hidden, held and other article's comments left out
    # Only the fields the thread shows are read: never the address.
    assert all("author_email" not in comment.__dict__ for comment in found)


def test_a_thread_with_this_browsers_held_comments(thread):
    article, held = thread
    found = load_thread(article, [held.pk]).comments
    assert fields_of(found) == fields_of(Comment.objects.for_thread(article, [held.pk]).only(*THREAD_FIELDS))
    assert held.pk in {comment.pk for comment in found}


def test_one_compiled_query_serves_every_article(thread, make_article, make_approved_comment):
    article, _held = thread
    other = make_article("Un troisième article", slug="troisieme")
    reply_to = make_approved_comment(other)
    assert [comment.pk for comment in shared_thread(other).comments] == [reply_to.pk]
    assert len(shared_thread(article).comments) == 4


def test_thread_markup_names_each_comments_report_address_and_date(thread):
    article, _held = thread
    comments = shared_thread(article).comments
    page = paginate(build_tree(comments), 1, article_url=article.get_absolute_url())
    html = render_thread(page.roots, can_reply=True)
    for comment in comments:
        if comment.is_reportable:
            assert f'href="{reverse("comments:report", args=[comment.pk])}"' in html
            assert f">{french_date(comment.created_at, True)}</time>" in html


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 7, 1, 7, 5, tzinfo=UTC),  # the 1st, in summer time
        datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # already the next year in Paris
        datetime(2016, 7, 14, 9, 5),  # naive: taken as it is
        None,
    ],
)
def test_french_dates_formats_as_french_date(value):
    assert french_dates(with_time=True)(value) == french_date(value, True)
    assert french_dates()(value) == french_date(value)


def test_french_date_words():
    assert french_date(datetime(2026, 7, 1, 7, 5, tzinfo=UTC), True) == "1er juillet 2026 à 9\u00a0h\u00a005"
    assert french_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1er janvier 2027"


# The form's fields as the template wrote them before comments.rendering.render_fields: the reference.
FIELDS_TEMPLATE = """{% for field in form.hidden_fields %}{% if field.name != "website" %}{{ field }}{% endif %}{% endfor %}
{% for field in form.visible_fields %}
  {% if field.name == "website" %}
    <div class="hp-field" aria-hidden="true">{{ field.label_tag }}{{ field }}</div>
  {% elif field.name == "remember" %}
    <p class="field field--checkbox">{{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}</label></p>
  {% else %}
    <p class="field{% if field.errors %} has-error{% endif %}">
      <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="required-mark" aria-hidden="true">*</span>{% endif %}</label>
      {% if field.errors %}<span class="field-error" id="{{ field.auto_id }}_erreur">{% for error in field.errors %}{{ error }} {% endfor %}</span>{% endif %}
      {{ field }}
      {% if field.help_text %}<span class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</span>{% endif %}
    </p>
  {% endif %}
{% endfor %}"""


def without_layout(html: str) -> str:
    """The markup without the indentation and line breaks between elements (the text inside them kept)."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [
        None,  # the form as every reader first gets it
        {"name": "", "email": "pas-une-adresse", "url": "javascript:alert(1)", "body": "", "parent": "x"},
        {"name": "Camille <b>", "email": "camille@exemple.fr", "body": "Texte & suite", "remember": "on"},
    ],
)
def test_form_fields_markup_is_the_templates(make_article, data):
    article = make_article("Un article commenté", slug="commente")
    form = CommentForm(data, article=article, initial={"name": "Dominique", "remember": True, "parent": 12})
    form.fields["token"].initial = "jeton"
    if data is not None:
        form.is_valid()
    expected = engines["django"].from_string(FIELDS_TEMPLATE).render({"form": form})
    assert without_layout(render_fields(form)) == without_layout(expected)
    assert ('class="field-error"' in expected) == bool(data and not data["name"])  # the errors' case covered


# The thread kept per process for the rows its query returns ----------------------------------------


def test_a_thread_is_kept_while_its_rows_are_the_same(thread):
    article, held = thread
    kept = shared_thread(article)
    assert shared_thread(article) is kept
    assert load_thread(article, [held.pk]) is not kept  # a browser's own held comments: its page alone


def thread_html(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        "approve",
        "reject",
        "erase",
        "hide",
        "feature",
        "edit",
        "delete",
        "reply",
    ],
)
def test_every_change_to_the_thread_shows_at_once(client, thread, moderator, make_approved_comment, settings, change):
    """The page cache is off: each page is rendered, and the kept thread must not hide a change."""
    settings.PAGE_CACHE_SECONDS = 0
    article, held = thread
    shown = Comment.objects.for_thread(article).order_by("pk").first()
    before = thread_html(client, article)
    assert f'id="c{shown.pk}"' in before and f'id="c{held.pk}"' not in before
    if change == "approve":
        held.approve(by=moderator)
    elif change == "reject":
        shown.reject(by=moderator)
    elif change == "erase":
        shown.erase()
    elif change == "hide":  # behind the model's back, no signal sent: the rows still tell
        Comment.objects.filter(pk=shown.pk).update(hidden_by_reports=True)
    elif change == "feature":
        shown.set_featured(False, by=moderator)  # the first one is the newsroom's choice
    elif change == "edit":
        shown.body = "Un texte corrigé par la modération."
        shown.save(update_fields=["body"])
    elif change == "delete":
        shown.delete()
    elif change == "reply":
        make_approved_comment(article, parent=shown, body="Une réponse toute neuve.")
    after = thread_html(client, article)
    assert after != before
    if change == "approve":
        assert f'id="c{held.pk}"' in after
    elif change in {"reject", "hide", "delete"}:
        assert f'id="c{shown.pk}"' not in after
    elif change == "erase":
        assert "Commentaire supprimé" in after.split(f'id="c{shown.pk}"')[1].split("</li>")[0]
    elif change == "feature":
        assert 'class="featured"' not in after
    elif change == "edit":
        assert "Un texte corrigé par la modération." in after
    elif change == "reply":
        assert "Une réponse toute neuve." in after


def test_the_kept_threads_are_bounded(make_article, make_approved_comment, monkeypatch):
    monkeypatch.setattr(page_part, "KEPT_COMMENTS", 3)
    page_part._kept_threads.clear()
    articles = [make_article(f"Article {number}", slug=f"article-{number}") for number in range(4)]
    for article in articles:
        make_approved_comment(article)
        shared_thread(article)
    assert len(page_part._kept_threads) == 3
    assert sum(size for _thread, size in page_part._kept_threads.values()) <= 3
    # A thread longer than the bound is built for each page and never kept.
    long_thread = articles[0]
    for _ in range(3):
        make_approved_comment(long_thread)
    assert shared_thread(long_thread) is not shared_thread(long_thread)
    assert len(page_part._kept_threads) == 3
