"""The comment policy as one object: its order of checks, its rules, and the state changes it leads to.

``CommentPolicy.review()`` is tested directly here, with thresholds given to the policy rather
than waited for; test_comments.py tests the same rules as a reader meets them, through the form.
"""

import io
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import demo_content, page_parts
from articles.models import Article
from comments.forms import CommentForm
from comments.models import BlockedTerm, Comment
from comments.moderation import CommentPolicy, Outcome, make_form_token
from comments.page_part import CommentThreadPart

pytestmark = pytest.mark.django_db

# No waiting: a token is never « too fast » for this policy.
PATIENT = {"min_seconds_to_write": 0}


@pytest.fixture
def article(make_article):
    return make_article("La fête de la mirabelle revient à Metz", slug="fete-mirabelle")


def sent_form(article, token=None, **fields) -> CommentForm:
    """The comment form as a reader's browser sends it back: valid unless ``fields`` say otherwise."""
    data = {
        "name": "Camille Bernard",
        "email": "camille@exemple.fr",
        "url": "",
        "body": "Une belle fête, comme chaque année.",
        "website": "",
        "token": make_form_token(article) if token is None else token,
        **fields,
    }
    return CommentForm(data, article=article)


def review(form, policy=None, *, ip="192.0.2.1", held_ids=()):
    return (policy or CommentPolicy(**PATIENT)).review(form, ip_address=ip, held_ids=held_ids)


def new_comment(article, body, **fields) -> Comment:
    fields.setdefault("author_name", "Camille Bernard")
    fields.setdefault("author_email", "camille@exemple.fr")
    return Comment(article=article, body=body, **fields)


# The policy is made from settings --------------------------------------------------------------


def test_the_policy_reads_its_thresholds_from_settings_when_made(settings):
    settings.COMMENTS_MAX_LINKS = 0
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7

    policy = CommentPolicy()

    assert (policy.max_links, policy.close_after_days) == (0, 7)
    assert CommentPolicy(max_links=5).max_links == 5


def test_comments_close_after_the_policy_s_days(make_article):
    article = make_article(published_at=timezone.now() - timedelta(days=10))

    assert CommentPolicy(close_after_days=11).accepts_comments(article)
    assert not CommentPolicy(close_after_days=10).accepts_comments(article)
    assert CommentPolicy(close_after_days=0).accepts_comments(article)  # 0: never by age
    article.comments_mode = Article.CommentsMode.CLOSED
    assert not CommentPolicy(close_after_days=0).accepts_comments(article)


# The order of the checks: the first rule that answers decides ------------------------------------


def test_a_closed_article_answers_before_any_bot_check(make_article):
    article = make_article(comments_mode=Article.CommentsMode.CLOSED)

    decision = review(sent_form(article, token="forged", website="https://pilules.exemple.com/"))

    assert decision.outcome is Outcome.CLOSED


@pytest.mark.parametrize(
    ("fields", "policy"),
    [
        ({"website": "https://pilules.exemple.com/"}, CommentPolicy(**PATIENT)),
        ({"token": "n-importe-quoi"}, CommentPolicy(**PATIENT)),
    ],
    ids=["honeypot", "forged-token"],
)
def test_bots_get_the_neutral_answer_whatever_else_is_wrong(article, fields, policy):
    # An empty body too: a bot learns nothing, not even that its form was invalid.
    decision = review(sent_form(article, body="", **fields), policy)

    assert decision.outcome is Outcome.BOT
    assert decision.comment is None


def test_a_form_sent_too_fast_is_a_person_s_to_resend_not_a_bot_s(article):
    # A corrected comment sent at once, a fast typist: the form comes back, it is never dropped.
    decision = review(sent_form(article, body=""), CommentPolicy(min_seconds_to_write=60))

    assert decision.outcome is Outcome.TOO_FAST
    assert decision.comment is None


def test_an_expired_form_is_said_so_before_its_other_errors(article):
    policy = CommentPolicy(min_seconds_to_write=0, form_max_age_seconds=-1)

    decision = review(sent_form(article, body=""), policy)

    assert decision.outcome is Outcome.EXPIRED


def test_only_valid_forms_count_against_the_rate_limit(article):
    policy = CommentPolicy(min_seconds_to_write=0, rate_limit=1)

    assert review(sent_form(article, body=""), policy).outcome is Outcome.INVALID
    assert review(sent_form(article, body=""), policy).outcome is Outcome.INVALID
    assert review(sent_form(article), policy).outcome is Outcome.ACCEPTED
    assert review(sent_form(article, body="Encore un."), policy).outcome is Outcome.RATE_LIMITED
    assert review(sent_form(article, body="D'ailleurs."), policy, ip="192.0.2.2").outcome is Outcome.ACCEPTED


def test_a_double_click_finds_the_first_comment_among_this_browser_s_own(article, make_comment):
    first = make_comment(article, "Une belle fête, comme chaque année.", author_email="camille@exemple.fr")

    assert review(sent_form(article)).outcome is Outcome.ACCEPTED  # another browser's comment
    decision = review(sent_form(article), held_ids=[first.pk])

    assert decision.outcome is Outcome.DUPLICATE
    assert decision.comment == first


def test_an_accepted_comment_waits_unsaved_and_moderators_hear_of_it(article):
    decision = review(sent_form(article))

    assert decision.outcome is Outcome.ACCEPTED
    assert decision.comment.pk is None
    assert decision.comment.status == Comment.Status.PENDING
    assert decision.notify_moderators


@pytest.mark.parametrize(
    ("policy", "fields", "status", "reason"),
    [
        (CommentPolicy(max_links=0, **PATIENT), {"url": "https://camille.exemple.fr/"}, "spam", "1 liens (maximum 0)"),
        (CommentPolicy(auto_approve_known_authors=True, **PATIENT), {}, "approved", "auteur déjà approuvé"),
    ],
    ids=["spam", "known-author"],
)
def test_moderators_hear_only_of_comments_that_wait_for_them(article, make_comment, policy, fields, status, reason):
    make_comment(article, status=Comment.Status.APPROVED, author_email="camille@exemple.fr")

    decision = review(sent_form(article, **fields), policy)

    assert (decision.comment.status, decision.comment.held_reason) == (status, reason)
    assert not decision.notify_moderators


# The blocklist compares words as search does -------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["Quel connard, ce conducteur.", "Quel CONNARD !", "Quel CONNÂRD !", "Quel cönnard."],
)
def test_a_blocked_term_is_found_whatever_its_case_and_accents(article, body):
    BlockedTerm.objects.create(term="connard")

    status, reason = CommentPolicy().initial_status(new_comment(article, body))

    assert (status, reason) == (Comment.Status.SPAM, "mot interdit : connard")


def test_an_accented_blocked_term_catches_the_text_written_without_accents(article):
    BlockedTerm.objects.create(term="Crétin")

    status, reason = CommentPolicy().initial_status(new_comment(article, "Un vrai cretin."))

    assert (status, reason) == (Comment.Status.SPAM, "mot interdit : Crétin")


@pytest.mark.parametrize("body", ["Les connardises du quartier.", "Un déconnard ?"])
def test_a_blocked_term_inside_another_word_is_not_blocked(article, body):
    BlockedTerm.objects.create(term="connard")

    assert CommentPolicy().initial_status(new_comment(article, body)) == (Comment.Status.PENDING, "")


def test_the_blocklist_is_read_again_when_moderators_change_it(article):
    BlockedTerm.objects.create(term="casino")
    policy = CommentPolicy()
    assert policy.initial_status(new_comment(article, "Le loto du club."))[0] == Comment.Status.PENDING

    BlockedTerm.objects.create(term="loto")

    assert policy.initial_status(new_comment(article, "Le loto du club."))[0] == Comment.Status.SPAM
    # The author's name and site are read too.
    assert policy.initial_status(new_comment(article, "Bonsoir.", author_name="Casino Royal"))[0] == Comment.Status.SPAM


# One rule for replies ----------------------------------------------------------------------------


def test_a_comment_accepts_replies_only_approved_whole_and_not_too_deep(article, make_comment, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    root = make_comment(article, status=Comment.Status.APPROVED)
    reply = make_comment(article, parent=root, status=Comment.Status.APPROVED)

    assert root.accepts_replies
    assert not reply.accepts_replies  # at the deepest level
    assert not make_comment(article).accepts_replies  # pending
    root.erase()
    assert not root.accepts_replies


# Status changes and the public count ------------------------------------------------------------


def public_counts(*articles) -> list[int]:
    return [Article.objects.get(pk=article.pk).comment_count for article in articles]


def test_set_status_counts_every_article_touched_in_one_update(article, make_article, make_comment, moderator):
    other = make_article()
    comments = [make_comment(article), make_comment(article), make_comment(other)]

    with CaptureQueriesContext(connection) as queries:
        changed = Comment.objects.filter(pk__in=[c.pk for c in comments]).set_status("approved", by=moderator)

    assert changed == 3
    assert public_counts(article, other) == [2, 1]
    assert sum('UPDATE "articles_article"' in query["sql"] for query in queries) == 1
    for comment in comments:
        comment.refresh_from_db()
        assert (comment.moderated_by, comment.status) == (moderator, "approved")


def test_only_moderators_change_a_status(article, make_comment, journalist):
    comment = make_comment(article)

    with pytest.raises(PermissionDenied):
        Comment.objects.filter(pk=comment.pk).set_status(Comment.Status.APPROVED, by=journalist)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert public_counts(article) == [0]


def test_a_new_approved_comment_counts_at_once_and_deletion_and_erasure_uncount(article, make_comment):
    first, second, third = (Comment.objects.create(article=article, body=str(n), status="approved") for n in range(3))
    assert public_counts(article) == [3]

    Comment.objects.filter(pk=first.pk).delete()
    assert public_counts(article) == [2]
    second.delete()
    assert public_counts(article) == [1]
    Comment.objects.filter(pk=third.pk).erase()
    assert public_counts(article) == [0]


# The comments plug into the article page; articles does not know them ---------------------------


def test_the_comments_are_a_part_of_the_article_page(client, article):
    assert any(isinstance(part, CommentThreadPart) for part in page_parts.registered())

    response = client.get(article.get_absolute_url())

    assert response.context["comments_accepted"] is True
    assert "comments_mode" not in response.context  # the article's field only, never a page variable
    assert 'id="commentaires"' in response.content.decode()


def test_a_refused_comment_comes_back_on_a_page_no_cache_keeps(client, make_article):
    article = make_article(comments_mode=Article.CommentsMode.CLOSED)

    response = client.post(reverse("comments:post", args=[article.pk]), {"body": "Mon avis.", "name": "Lu"})

    assert response.status_code == 403
    assert response["Cache-Control"] == "private, no-store"
    assert "Mon avis." in response.content.decode()


def test_the_page_changes_by_itself_when_comments_close_or_the_form_gets_old(make_article, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    settings.COMMENTS_FORM_MAX_AGE_SECONDS = 24 * 60 * 60
    part = CommentThreadPart()
    closing_soon = make_article(published_at=timezone.now() - timedelta(days=30) + timedelta(hours=1))
    closed = make_article(published_at=timezone.now() - timedelta(days=31))

    assert part.cache_until(closing_soon) == pytest.approx(time.time() + 60 * 60, abs=5)
    assert part.cache_until(closed) == pytest.approx(time.time() + 12 * 60 * 60, abs=5)


def test_the_demo_comments_come_from_the_comments_app():
    out = io.StringIO()
    call_command("load_demo", stdout=out)

    article = Article.objects.get(slug=demo_content.COMMENTS_ARTICLE)
    approved = sum(row["status"] == "approved" for row in demo_content.COMMENTS)
    assert f"Commentaires : {len(demo_content.COMMENTS)} créé(s)" in out.getvalue()
    assert article.comment_count == approved
    assert Comment.objects.in_moderation().count() == len(demo_content.COMMENTS) - approved


def test_bulk_changes_are_offered_on_chosen_comments_only():
    # On the manager they would take every comment at once.
    for operation in ("set_status", "erase", "delete"):
        assert not hasattr(Comment.objects, operation), operation
