"""Readers report abusive comments (« Signaler »), and the newsroom features the best ones.

A reader needs no account: the link on every published comment leads to a small form (or
opens it inline, with JavaScript) that works from a page kept in the shared cache. Enough
reports from different readers hide the comment until a moderator decides.
"""

import re

import pytest
from admin_pages import action_post
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comments.models import Comment, CommentReport

pytestmark = pytest.mark.django_db

THANKS = "Merci, votre signalement a été transmis à la modération."
ALREADY = "Vous avez déjà signalé ce commentaire."
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def article(make_article):
    return make_article("Le marché couvert rouvre", slug="marche-couvert")


@pytest.fixture
def comment(article, make_approved_comment):
    return make_approved_comment(article, "Ce commentaire est injurieux.", author_email="auteur.secret@exemple.fr")


def report_url(comment) -> str:
    return reverse("comments:report", args=[comment.pk])


def report_token(client, comment, **headers) -> str:
    """Open the report form, as a reader's browser does, and read its signed token."""
    response = client.get(report_url(comment), **headers)
    assert response.status_code == 200
    if headers.get("HTTP_ACCEPT") == "application/json":
        return re.search(r'name="token" value="([^"]+)"', response.json()["form"])[1]
    return response.context["report_form"]["token"].value()


def send_report(client, comment, *, ip="203.0.113.1", reason="abuse", details="", token=None, **headers):
    data = {"reason": reason, "details": details}
    data["token"] = report_token(client, comment, REMOTE_ADDR=ip, **headers) if token is None else token
    return client.post(report_url(comment), data, REMOTE_ADDR=ip, **headers)


def thread_of(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode().split('id="commentaires"', 1)[1]


# The link and the form ---------------------------------------------------------------------------


def test_every_published_comment_has_a_report_link_that_leads_to_a_form(client, article, comment):
    page = thread_of(client, article)
    assert f'<a href="{report_url(comment)}" rel="nofollow">Signaler</a>' in page
    assert "comments/report.js" in page  # the inline form, for browsers that run it

    form_page = client.get(report_url(comment))

    html = form_page.content.decode()
    assert form_page.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert "Ce commentaire est injurieux." in html  # what is being reported
    for label in ["Injure ou harcèlement", "Propos haineux", "Spam ou publicité", "Données personnelles"]:
        assert label in html
    assert "Hors sujet" in html and "Autre" in html
    assert "csrftoken" not in form_page.cookies  # no CSRF cookie: the scheme of the comment form


def test_a_reader_without_javascript_reports_a_comment(client, comment):
    response = send_report(client, comment, reason="hate")

    assert response.status_code == 200
    assert THANKS in response.content.decode()
    report = CommentReport.objects.get(comment=comment)
    assert (report.reason, report.details, report.closed_at) == ("hate", "", None)
    assert "203.0.113.1" not in report.reporter_key and len(report.reporter_key) == 64


def test_a_reader_with_javascript_reports_a_comment_inline(client, comment):
    opened = client.get(report_url(comment), **JSON)
    assert opened.json()["done"] is False
    assert 'class="report-form"' in opened.json()["form"]

    response = send_report(client, comment, reason="spam", **JSON)

    assert response.status_code == 200
    assert response.json() == {"done": True, "message": THANKS}
    assert CommentReport.objects.get(comment=comment).reason == "spam"


@pytest.mark.parametrize("headers", [{}, JSON], ids=["page", "json"])
def test_other_needs_a_few_words_and_nothing_typed_is_lost(client, comment, headers):
    response = send_report(client, comment, reason="other", details="   ", **headers)

    assert response.status_code == 400
    html = response.json()["form"] if headers else response.content.decode()
    assert "Dites-nous en quelques mots ce qui pose problème." in html
    assert re.search(r'value="other"[^>]*checked', html)  # the reason chosen stays chosen
    assert not CommentReport.objects.exists()

    written = send_report(client, comment, reason="other", details="x" * 501, **headers)
    html = written.json()["form"] if headers else written.content.decode()
    assert "500 caractères au maximum (vous en avez écrit 501)." in html
    assert "x" * 501 in html  # the text comes back

    accepted = send_report(client, comment, reason="other", details="Il publie l’adresse d’un voisin.", **headers)
    assert accepted.status_code == 200
    assert CommentReport.objects.get().details == "Il publie l’adresse d’un voisin."


def test_a_reason_must_be_chosen(client, comment):
    response = send_report(client, comment, reason="")
    assert response.status_code == 400
    assert "Choisissez un motif." in response.content.decode()
    invented = send_report(client, comment, reason="boring")
    assert "Choisissez un des motifs proposés." in invented.content.decode()
    assert not CommentReport.objects.exists()


def test_a_forged_or_missing_token_is_refused_with_the_text_kept(client, comment):
    response = client.post(
        report_url(comment), {"reason": "other", "details": "Gardé.", "token": "faux"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire a expiré." in html and "Gardé." in html
    assert not CommentReport.objects.exists()


def test_a_report_from_another_site_is_refused(client, comment):
    token = report_token(client, comment)
    response = client.post(
        report_url(comment), {"reason": "abuse", "token": token}, HTTP_ORIGIN="https://ailleurs.example"
    )
    assert response.status_code == 403
    assert "Ce formulaire doit être envoyé depuis notre site." in response.content.decode()
    assert not CommentReport.objects.exists()


def test_the_link_works_from_a_page_kept_in_the_shared_cache(client, settings, article, comment):
    settings.PAGE_CACHE_SECONDS = 3600
    client.get(article.get_absolute_url())
    cached = client.get(article.get_absolute_url())
    assert cached["X-Cache"] == "HIT"
    link = re.search(r'href="(/commentaires/\d+/signaler/)"', cached.content.decode())[1]

    token = re.search(r'name="token" value="([^"]+)"', client.get(link).content.decode())[1]
    response = client.post(link, {"reason": "abuse", "token": token}, REMOTE_ADDR="203.0.113.4")

    assert THANKS in response.content.decode()


# The rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, JSON], ids=["page", "json"])
def test_the_same_reader_cannot_report_the_same_comment_twice(client, comment, headers):
    token = report_token(client, comment, **headers)  # the form left open in a second tab, say
    send_report(client, comment, ip="198.51.100.7", **headers)

    again = send_report(client, comment, ip="198.51.100.7", reason="spam", token=token, **headers)

    assert again.status_code == 200
    assert ALREADY in (again.json()["message"] if headers else again.content.decode())
    assert CommentReport.objects.count() == 1
    # The form is not even offered again.
    opened = client.get(report_url(comment), REMOTE_ADDR="198.51.100.7")
    assert ALREADY in opened.content.decode() and 'class="report-form"' not in opened.content.decode()


def test_behind_a_proxy_the_reader_is_the_forwarded_address(client, settings, comment):
    settings.TRUST_X_FORWARDED_FOR = True
    proxy = "10.0.0.1"
    for reader in ["203.0.113.10", "203.0.113.11"]:
        token = report_token(client, comment)
        client.post(
            report_url(comment), {"reason": "abuse", "token": token}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=reader
        )
    assert CommentReport.objects.count() == 2  # two readers, not one proxy


@pytest.mark.parametrize("headers", [{}, JSON], ids=["page", "json"])
def test_a_flood_of_reports_from_one_address_is_rate_limited_in_french(
    client, settings, article, make_approved_comment, headers
):
    settings.COMMENTS_REPORT_RATE_LIMIT = 3
    comments = [make_approved_comment(article) for _ in range(5)]

    answers = [send_report(client, comment, ip="192.0.2.66", **headers) for comment in comments]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    refused = answers[-1].json()["message"] if headers else answers[-1].content.decode()
    assert "Vous avez envoyé beaucoup de signalements en peu de temps." in refused
    assert CommentReport.objects.count() == 3
    # Another address is not held back by this one.
    assert send_report(client, comments[-1], ip="192.0.2.67", **headers).status_code == 200


def test_past_the_threshold_the_comment_is_hidden_until_a_moderator_dismisses_the_reports(
    client, settings, article, comment, make_approved_comment, moderator, mailoutbox
):
    assert settings.COMMENTS_REPORTS_TO_HIDE == 3
    moderator.email = "moderation@exemple.fr"
    moderator.save()
    reply = make_approved_comment(article, "Une réponse qui reste.", parent=comment)
    article.refresh_from_db()
    assert article.comment_count == 2

    for number, ip in enumerate(["203.0.113.1", "203.0.113.2"], start=1):
        send_report(client, comment, ip=ip)
        comment.refresh_from_db()
        assert not comment.hidden_by_reports, number
    assert "Ce commentaire est injurieux." in thread_of(client, article)

    send_report(client, comment, ip="203.0.113.3", reason="hate", **JSON)

    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.hidden_by_reports and comment.status == Comment.Status.APPROVED
    [mail] = mailoutbox  # the moderators are told once, when it is hidden
    assert mail.subject.endswith("Commentaire masqué après signalements sur « Le marché couvert rouvre »")
    assert "Injure ou harcèlement, Propos haineux" in mail.body and "203.0.113" not in mail.body
    page = thread_of(client, article)
    assert "Ce commentaire est injurieux." not in page
    assert "Une réponse qui reste." in page  # its reply stays, as a reply to a rejected comment would
    assert article.comment_count == 1 and "1 commentaire" in page
    assert client.get(report_url(comment)).status_code == 404  # nothing left to report

    closed = comment.dismiss_reports(by=moderator)

    assert closed == 3
    comment.refresh_from_db()
    article.refresh_from_db()
    assert not comment.hidden_by_reports
    assert not CommentReport.objects.open().exists()
    assert set(CommentReport.objects.values_list("closed_by", flat=True)) == {moderator.pk}
    assert "Ce commentaire est injurieux." in thread_of(client, article)
    assert article.comment_count == 2
    assert reply.pk


def test_hiding_and_dismissing_purge_the_cached_article_page(client, settings, article, comment, moderator):
    settings.PAGE_CACHE_SECONDS = 3600
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"

    send_report(client, comment)

    hidden = client.get(article.get_absolute_url())
    assert hidden["X-Cache"] == "MISS" and "Ce commentaire est injurieux." not in hidden.content.decode()
    comment.refresh_from_db()
    comment.dismiss_reports(by=moderator)
    shown = client.get(article.get_absolute_url())
    assert shown["X-Cache"] == "MISS" and "Ce commentaire est injurieux." in shown.content.decode()


def test_only_moderators_dismiss_reports(comment, journalist):
    with pytest.raises(PermissionDenied):
        comment.dismiss_reports(by=journalist)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM])
def test_unpublished_comments_cannot_be_reported(client, article, make_comment, status):
    hidden = make_comment(article, status=status)

    assert client.get(report_url(hidden)).status_code == 404
    assert client.post(report_url(hidden), {"reason": "abuse"}).status_code == 404
    assert f"/commentaires/{hidden.pk}/signaler/" not in client.get(article.get_absolute_url()).content.decode()


def test_erased_comments_and_comments_of_unpublished_articles_cannot_be_reported(
    client, comment, make_article, make_approved_comment
):
    comment.erase()
    assert client.get(report_url(comment)).status_code == 404
    draft = make_article("Brouillon", slug="brouillon", status="draft")
    on_draft = make_approved_comment(draft)
    assert client.get(report_url(on_draft)).status_code == 404
    assert client.get(reverse("comments:report", args=[999999])).status_code == 404


def test_reports_stay_possible_once_comments_are_closed(client, article, comment):
    article.comments_open = False
    article.save()
    assert 'rel="nofollow">Signaler</a>' in thread_of(client, article)
    assert send_report(client, comment).status_code == 200


def test_no_report_answer_gives_away_the_commenter_address(client, comment):
    token = report_token(client, comment)
    answers = [
        client.get(report_url(comment)),
        client.get(report_url(comment), **JSON),
        send_report(client, comment, reason="other", details=""),
        send_report(client, comment, **JSON),
        send_report(client, comment, token=token),  # already reported
        client.get(report_url(comment), REMOTE_ADDR="203.0.113.1"),
    ]
    for answer in answers:
        assert "auteur.secret@exemple.fr" not in answer.content.decode()
        assert "auteur.secret" not in str(answer.headers)


# Featured comments ---------------------------------------------------------------------------------


def test_a_featured_comment_is_shown_first_and_marked(client, article, make_approved_comment, moderator):
    first = make_approved_comment(article, "Le tout premier avis.")
    chosen = make_approved_comment(article, "Un avis éclairant, choisi par la rédaction.")

    chosen.set_featured(True, by=moderator)

    page = thread_of(client, article)
    block = page.split('<section class="comments-featured"', 1)[1].split("</section>", 1)[0]
    assert '<h3 id="choix-titre">Choix de la rédaction</h3>' in block
    assert "Un avis éclairant, choisi par la rédaction." in block
    assert "Le tout premier avis." not in block
    assert page.index("Un avis éclairant") < page.index("Le tout premier avis.")
    assert f'href="{article.get_absolute_url()}#c{chosen.pk}"' in block  # its place in the discussion
    # In the thread itself, it keeps its place with a visible mark.
    assert re.search(
        rf'<li id="c{chosen.pk}" class="featured">.*?<span class="badge">Choix de la rédaction</span>', page
    )
    assert f'<li id="c{first.pk}">' in page

    chosen.set_featured(False, by=moderator)
    assert "comments-featured" not in thread_of(client, article)


def test_only_approved_comments_can_be_featured(article, make_comment, moderator, journalist):
    pending = make_comment(article)
    with pytest.raises(ValidationError, match="Seul un commentaire approuvé peut être un choix de la rédaction."):
        pending.set_featured(True, by=moderator)
    pending.approve(by=moderator)
    with pytest.raises(PermissionDenied):
        pending.set_featured(True, by=journalist)


def test_a_featured_comment_hidden_by_reports_is_not_shown(client, settings, article, make_approved_comment, moderator):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    chosen = make_approved_comment(article, "Choisi puis signalé.")
    chosen.set_featured(True, by=moderator)

    send_report(client, chosen)

    assert "Choisi puis signalé." not in thread_of(client, article)


def test_moderators_feature_comments_from_the_admin(moderator_client, article, make_comment, make_approved_comment):
    chosen = make_approved_comment(article)
    pending = make_comment(article)
    changelist = reverse("admin:comments_comment_changelist") + "?statut=tous"

    response = moderator_client.post(changelist, action_post("feature_selected", chosen, pending), follow=True)

    html = response.content.decode()
    assert "1 commentaire marqué comme choix de la rédaction." in html
    assert "1 commentaire non approuvé laissé de côté" in html
    chosen.refresh_from_db()
    pending.refresh_from_db()
    assert chosen.is_featured and not pending.is_featured

    response = moderator_client.post(changelist, action_post("unfeature_selected", chosen), follow=True)
    assert "1 commentaire retiré des choix de la rédaction." in response.content.decode()
    chosen.refresh_from_db()
    assert not chosen.is_featured


def test_one_ipv6_connection_counts_as_one_reader(client, settings, comment):
    settings.COMMENTS_REPORTS_TO_HIDE = 3
    assert send_report(client, comment, ip="2001:db8:1:2::1").status_code == 200
    second = client.get(report_url(comment), REMOTE_ADDR="2001:db8:1:2::2")
    assert "déjà signalé" in second.content.decode()
    assert comment.reports.count() == 1  # the same /64: the same reader


def test_undoing_a_decision_on_a_hidden_comment_hides_it_again(client, settings, comment, moderator):
    from comments import desk

    settings.COMMENTS_REPORTS_TO_HIDE = 3
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        send_report(client, comment, ip=ip)
    comment.refresh_from_db()
    assert comment.hidden_by_reports

    Comment.objects.filter(pk=comment.pk).set_status(Comment.Status.REJECTED, by=moderator)
    assert desk.undo([comment.pk], by=moderator) == 1

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.hidden_by_reports  # not published unread
    assert comment.reports.open().count() == 3  # back in « Signalés »


def test_a_hidden_comment_takes_no_reply(settings, comment):
    settings.COMMENTS_REPORTS_TO_HIDE = 1
    comment.report("abuse", "", reporter_key="x")
    comment.refresh_from_db()
    assert comment.hidden_by_reports and not comment.accepts_replies
