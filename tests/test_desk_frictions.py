"""The desks' small frictions of issue 23: counts in French, times that never break, the run banner,
the editors' queue with titles and ages, a proposal seen while the form is open."""

import ast
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import ngettext
from django.utils.translation.template import templatize

from articles.admin_workflow import desk_date
from articles.presence import moment
from articles.templatetags.newsroom import french_date

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
NBSP = "\u00a0"


# `make run PORT=8300` ----------------------------------------------------------------------------


def test_the_demo_banner_gives_the_address_make_run_serves(monkeypatch):
    monkeypatch.setenv("PORT", "8300")
    monkeypatch.setenv("HOST", "0.0.0.0")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Site : http://0.0.0.0:8300/" in out.getvalue()
    assert "Administration : http://0.0.0.0:8300/admin/" in out.getvalue()
    assert "8000" not in out.getvalue()


def test_make_run_hands_its_port_to_the_demo_and_the_server():
    makefile = (ROOT / "Makefile").read_text()
    demo = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, flags=re.M).group(1)
    assert "PORT=$(PORT)" in demo and "HOST=$(HOST)" in demo
    assert "PORT=$(PORT)" in run


# Times that never break inside « 3 h 43 » ---------------------------------------------------------


def test_times_hold_no_break_spaces(settings):
    settings.TIME_ZONE = "Europe/Paris"
    with translation.override("fr"):
        assert french_date(datetime(2026, 7, 1, 13, 43, tzinfo=UTC), True) == f"1er juillet 2026 à 15{NBSP}h{NBSP}43"
        assert desk_date(datetime(2027, 12, 2, 7, 0, tzinfo=UTC)).endswith(f"à 8{NBSP}h")
        assert desk_date(datetime(2027, 12, 2, 7, 30, tzinfo=UTC)).endswith(f"à 8{NBSP}h{NBSP}30")
        assert moment(datetime(2020, 3, 4, 8, 5, tzinfo=UTC)) == f"le 4 mars 2020 à 9{NBSP}h{NBSP}05"


def test_the_public_page_writes_its_times_without_a_breakable_space(client, make_article):
    article = make_article("Le tram arrive", published_at=datetime(2026, 7, 1, 7, 5, tzinfo=UTC))
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"9{NBSP}h{NBSP}05" in html
    assert f"Lecture : {article.reading_minutes}{NBSP}min" in html
    assert not re.search(r"\d h \d|\d min\b", html)


def test_the_desk_writes_its_durations_without_a_breakable_space(
    moderator_client, moderator, make_article, make_comment
):
    from django.urls import reverse

    comment = make_comment(make_article("Le tram arrive"))
    comment.approve(by=moderator)
    html = moderator_client.get(reverse("admin:comments_comment_desk")).content.decode()
    assert re.search(rf'<dd class="figure-median">\d+{NBSP}min</dd>', html)


# Counts in French: 0 and 1 take the singular ------------------------------------------------------

APPS = [
    "articles",
    "comments",
    "common",
    "documents",
    "images",
    "newsroom",
    "outbox",
    "pagecache",
    "search",
    "wordpress",
]
# What ``templatize`` (makemessages' reading of a template) writes for {% blocktranslate count %}.
_LITERAL = r"""u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_PLURAL = re.compile(r"\bngettext\(" + _LITERAL + r",\s*" + _LITERAL)


def _python_plurals(source: str):
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        texts = [
            arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None for arg in node.args
        ]
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name in ("ngettext", "ngettext_lazy") and len(texts) >= 2 and texts[0] and texts[1]:
            yield texts[0], texts[1]
        # A helper handed both forms (ArticleAdmin._apply_to_each): two counted texts in a row.
        elif len(texts) >= 2 and texts[-2] and texts[-1] and "%(count)d" in texts[-2] and "%(count)d" in texts[-1]:
            yield texts[-2], texts[-1]


def counted_texts() -> dict[tuple[str, str], str]:
    """Every (singular, plural) pair of the project's code and templates → where it was found."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                for pair in _python_plurals(path.read_text()):
                    found.setdefault(pair, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for singular, plural in _TEMPLATE_PLURAL.findall(templatize(path.read_text(), origin=str(path))):
            found.setdefault((ast.literal_eval(singular), ast.literal_eval(plural)), str(path.relative_to(ROOT)))
    return found


def _po(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_every_count_takes_the_french_singular_for_0_and_1():
    # The texts are written in French, so gettext finds no translation and falls back to English's
    # rule (« 0 approuvés »): each counted text has its entry in locale/fr, where « n > 1 » is plural.
    pairs = counted_texts()
    assert len(pairs) > 20
    missing = []
    with translation.override("fr"):
        for (singular, plural), where in pairs.items():
            if [ngettext(singular, plural, n) for n in (0, 1, 2)] != [singular, singular, plural]:
                missing.append(
                    f"#: {where}\nmsgid {_po(singular)}\nmsgid_plural {_po(plural)}\n"
                    f"msgstr[0] {_po(singular)}\nmsgstr[1] {_po(plural)}\n"
                )
    assert not missing, "Add to locale/fr/LC_MESSAGES/django.po, then compile it:\n\n" + "\n".join(missing)


# The editors' front page names what waits for them -----------------------------------------------


def client_of(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def submitted(make_article, author, title, hours_ago, now):
    from articles.models import Article, ArticleRevision

    article = make_article(title, status=Article.Status.DRAFT, published_at=None, authors=[author])
    article.submit_for_review(by=author)
    ArticleRevision.objects.filter(article=article, action=ArticleRevision.Action.SUBMITTED).update(
        created_at=now - timedelta(hours=hours_ago)
    )
    return article


def test_the_editors_front_page_lists_the_articles_to_review_with_their_ages(
    make_article, make_user, editor, journalist
):
    from django.urls import reverse
    from django.utils import timezone

    camille = make_user("camille", groups=["Journalistes"], first_name="Camille", last_name="Royer")
    now = timezone.now()
    port = submitted(make_article, camille, "Le port de Metz s’agrandit", 3, now)
    submitted(make_article, camille, "Le marché de Noël ouvre", 50, now)

    html = client_of(editor).get(reverse("admin:index")).content.decode()
    assert f'{reverse("admin:articles_article_changelist")}?status__exact=submitted">2 articles à relire</a>' in html
    items = re.search(r'<ol class="desk-queue-items">(.*?)</ol>', html, re.S).group(1)
    lines = [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in re.findall(r"<li>(.*?)</li>", items, re.S)]
    # The longest waiting first, by whom, for how long (no-break spaces: never « 3 h » cut on a phone).
    assert lines == [
        "Le marché de Noël ouvre — Camille Royer — depuis 2 jours",
        "Le port de Metz s’agrandit — Camille Royer — depuis 3 h",
    ]
    assert f"depuis 3{NBSP}h" in items and f"depuis 2{NBSP}jours" in items
    assert (
        f'<a href="{reverse("admin:articles_article_change", args=[port.pk])}">Le port de Metz s’agrandit</a>' in items
    )
    assert "desk-queue-more" not in html  # all of them are named
    assert "desk-queue-items" not in client_of(journalist).get(reverse("admin:index")).content.decode()


def test_the_front_page_names_a_few_and_links_to_the_rest(make_article, make_user, editor):
    from django.urls import reverse
    from django.utils import timezone

    from articles.templatetags.desk import QUEUE_SHOWN

    camille = make_user("camille", groups=["Journalistes"], first_name="Camille", last_name="Royer")
    now = timezone.now()
    for number in range(QUEUE_SHOWN + 2):
        submitted(make_article, camille, f"Sujet {number}", number + 1, now)
    html = client_of(editor).get(reverse("admin:index")).content.decode()
    items = re.search(r'<ol class="desk-queue-items">(.*?)</ol>', html, re.S).group(1)
    assert items.count("<li>") == QUEUE_SHOWN
    assert "Sujet 6" in items and "Sujet 0" not in items  # the longest waiting are named
    more = f'{reverse("admin:articles_article_changelist")}?status__exact=submitted">Voir les {QUEUE_SHOWN + 2} articles</a>'
    assert more in html


def test_the_front_page_counts_in_french(make_article, make_user, editor, make_comment):
    from django.urls import reverse
    from django.utils import timezone

    camille = make_user("camille", groups=["Journalistes"], first_name="Camille", last_name="Royer")
    submitted(make_article, camille, "Un seul sujet", 1, timezone.now())
    html = client_of(editor).get(reverse("admin:index")).content.decode()
    assert "1 article à relire</a>" in html


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(0, "depuis un instant"), (5, f"depuis 5{NBSP}min"), (223, f"depuis 3{NBSP}h"), (60 * 24, f"depuis 1{NBSP}jour")],
)
def test_how_long_something_has_waited(minutes, said):
    from django.utils import timezone

    from articles.admin_workflow import waiting_since

    now = timezone.now()
    with translation.override("fr"):
        assert waiting_since(now - timedelta(minutes=minutes), now) == said
