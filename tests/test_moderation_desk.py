"""The moderation desk (« Bureau de modération »), used through the client as without JavaScript."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import BlockedTerm, Comment, CommentReport, ModerationDecision

pytestmark = pytest.mark.django_db

Status = Comment.Status


def desk_url(**params):
    url = reverse("admin:comments_comment_desk")
    return f"{url}?{urlencode(params)}" if params else url


DECIDE = "admin:comments_comment_desk_decide"


def decide(client, decision, *comments, next_url=None, **more):
    data = {"decision": decision, "comment": [c.pk for c in comments], **more}
    if next_url:
        data["next"] = next_url
    return client.post(reverse(DECIDE), data)


def undo(client, next_url=None):
    return client.post(reverse("admin:comments_comment_desk_undo"), {"next": next_url or desk_url()})


def card_ids(response):
    return [comment.pk for comment in response.context["cards"]]


def status_of(comment):
    comment.refresh_from_db()
    return comment.status


@pytest.fixture
def article(make_article):
    return make_article("Le marché de Noël de Metz ouvre ses portes")


# Who may open it ------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(desk_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_journalist_is_refused(journalist_client, article, make_comment):
    comment = make_comment(article)
    assert journalist_client.get(desk_url()).status_code == 403
    assert decide(journalist_client, "approve", comment).status_code == 403
    assert undo(journalist_client).status_code == 403
    assert status_of(comment) == Status.PENDING


def test_admin_index_links_to_the_desk(moderator_client, article, make_comment):
    make_comment(article)
    html = moderator_client.get(reverse("admin:index")).content.decode()
    assert f'href="{desk_url()}"' in html
    assert "Bureau de modération" in html
    assert "1 commentaire en attente de modération" in html


# Tabs, cards, history ---------------------------------------------------------------


def test_tabs_show_their_comments_and_counts(moderator_client, article, make_comment):
    pending = [make_comment(article) for _ in range(3)]
    approved = make_comment(article, status=Status.APPROVED)
    rejected = make_comment(article, status=Status.REJECTED)
    spam = make_comment(article, status=Status.SPAM)
    CommentReport.objects.create(comment=approved, reason=CommentReport.Reason.HATE, reporter_key="a")
    CommentReport.objects.create(
        comment=approved, reason=CommentReport.Reason.ABUSE, reporter_key="b", details="Vise un voisin"
    )

    response = moderator_client.get(desk_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bureau de modération" in html
    tabs = re.sub(r"<[^>]+>", "", html)  # the counts are spans of their own, which desk.js updates
    assert "En attente (3)" in tabs and "Signalés (1)" in tabs
    assert card_ids(response) == [c.pk for c in reversed(pending)]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    assert card_ids(moderator_client.get(desk_url(onglet="approuves"))) == [approved.pk]
    assert card_ids(moderator_client.get(desk_url(onglet="rejetes"))) == [rejected.pk]
    assert card_ids(moderator_client.get(desk_url(onglet="indesirables"))) == [spam.pk]
    reported = moderator_client.get(desk_url(onglet="signales"))
    assert card_ids(reported) == [approved.pk]
    reported_html = reported.content.decode()
    assert "2 signalements" in reported_html
    assert "Propos haineux" in reported_html and "Vise un voisin" in reported_html
    assert "Classer les signalements" in reported_html


def test_card_shows_context_author_and_history(moderator_client, article, make_comment):
    parent = make_comment(article, "Le vin chaud est trop cher cette année.", status=Status.APPROVED)
    email = "habitue@exemple.fr"
    for status in [Status.APPROVED, Status.APPROVED, Status.REJECTED]:
        make_comment(article, author_email=email, status=status)
    comment = make_comment(
        article,
        "Allez voir https://promo.example.com et achetez du viagra <b>ici</b>",
        parent=parent,
        author_name="Habitué",
        author_email="Habitue@Exemple.fr",
        ip_address="192.0.2.7",
    )
    BlockedTerm.objects.create(term="viagra")

    html = moderator_client.get(desk_url()).content.decode()
    assert f'href="{article.get_absolute_url()}"' in html
    assert "Le vin chaud est trop cher" in html
    assert "Habitue@Exemple.fr" in html and "192.0.2.7" in html
    assert "2 approuvés, 1 rejeté, 0 indésirable" in html
    assert '<mark class="desk-link">https://promo.example.com</mark>' in html
    assert '<mark class="desk-term">viagra</mark>' in html
    assert "&lt;b&gt;ici&lt;/b&gt;" in html and "<b>ici</b>" not in html
    assert "à l’instant" in html  # just posted
    assert comment.pk in card_ids(moderator_client.get(desk_url()))


def test_filters_by_article_and_section(moderator_client, make_article, make_comment, make_section):
    sport = make_section("Sport")
    match = make_article("Le FC Metz gagne", section=sport)
    other = make_article("Le budget voté")
    on_match, on_other = make_comment(match), make_comment(other)
    assert card_ids(moderator_client.get(desk_url(article=match.pk))) == [on_match.pk]
    assert card_ids(moderator_client.get(desk_url(rubrique=sport.pk))) == [on_match.pk]
    assert card_ids(moderator_client.get(desk_url(article="x"))) == [on_other.pk, on_match.pk]


def test_pagination(moderator_client, article, make_comment):
    comments = [make_comment(article) for _ in range(25)]
    first, second = moderator_client.get(desk_url()), moderator_client.get(desk_url(page=2))
    assert len(card_ids(first)) == 20
    assert card_ids(second) == [c.pk for c in comments[:5]][::-1]
    assert "Page 1 sur 2" in first.content.decode()


def test_desk_queries_do_not_grow_with_cards(moderator_client, article, make_comment, make_article):
    BlockedTerm.objects.create(term="arnaque")
    make_comment(article, status=Status.APPROVED)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(desk_url()).status_code == 200
        return len(captured)

    make_comment(article, author_email="un@exemple.fr")
    queries()  # the blocklist's matcher is built once per process, at the first page
    few = queries()
    for number in range(12):
        make_comment(make_article(f"Article {number}"), author_email=f"lecteur{number}@exemple.fr")
    assert queries() == few
    assert few <= 16


# Decisions ---------------------------------------------------------------------------


def test_approve_reject_spam_without_javascript(moderator_client, moderator, article, make_comment):
    first, second, third = (make_comment(article) for _ in range(3))
    back = desk_url(onglet="en-attente", article=article.pk)

    response = decide(moderator_client, "approve", first, next_url=back)
    assert response.status_code == 302 and response["Location"] == back
    page = moderator_client.get(back).content.decode()
    assert "1 commentaire approuvé." in page
    assert "Annuler" in page

    decide(moderator_client, "reject", second)
    decide(moderator_client, "spam", third)
    assert [status_of(c) for c in (first, second, third)] == [Status.APPROVED, Status.REJECTED, Status.SPAM]
    first.refresh_from_db()
    assert (first.moderated_by, first.moderated_at is not None) == (moderator, True)
    log = ModerationDecision.objects.get(comment=first)
    assert (log.previous_status, log.status, log.decided_by) == (Status.PENDING, Status.APPROVED, moderator)


def test_foreign_next_is_not_followed(moderator_client, article, make_comment):
    response = decide(moderator_client, "approve", make_comment(article), next_url="https://ailleurs.example/")
    assert response["Location"] == desk_url()


def test_undo_restores_the_previous_status(moderator_client, article, make_comment):
    comment = make_comment(article)
    decide(moderator_client, "reject", comment)
    assert status_of(comment) == Status.REJECTED
    response = undo(moderator_client)
    assert response.status_code == 302
    assert status_of(comment) == Status.PENDING
    assert "Décision annulée pour 1 commentaire." in moderator_client.get(desk_url()).content.decode()
    assert list(ModerationDecision.objects.filter(comment=comment).values_list("previous_status", "status")) == [
        (Status.REJECTED, Status.PENDING),
        (Status.PENDING, Status.REJECTED),
    ]
    # Nothing left to take back.
    undo(moderator_client)
    assert status_of(comment) == Status.PENDING


def test_undo_leaves_alone_a_comment_changed_since(moderator_client, make_user, article, make_comment):
    comment = make_comment(article)
    decide(moderator_client, "approve", comment)
    other = make_user("autre", groups=["Modérateurs"])
    comment.reject(by=other)
    undo(moderator_client)
    assert status_of(comment) == Status.REJECTED


def test_bulk_decisions(moderator_client, article, make_comment):
    chosen = [make_comment(article) for _ in range(3)]
    left = make_comment(article)
    response = decide(moderator_client, "spam", *chosen)
    assert response.status_code == 302
    assert [status_of(c) for c in chosen] == [Status.SPAM] * 3
    assert status_of(left) == Status.PENDING
    undo(moderator_client)
    assert [status_of(c) for c in chosen] == [Status.PENDING] * 3


def test_nothing_chosen_is_a_french_warning(moderator_client):
    response = moderator_client.post(reverse(DECIDE), {"decision": "approve"}, follow=True)
    assert "Choisissez au moins un commentaire" in response.content.decode()


def test_approve_all_for_author_and_for_article(moderator_client, article, make_article, make_comment):
    email = "fidele@exemple.fr"
    elsewhere = make_article("Autre sujet")
    mine = [make_comment(article, author_email=email), make_comment(elsewhere, author_email=email.upper())]
    rejected_before = make_comment(article, author_email=email, status=Status.REJECTED)
    someone_else = make_comment(elsewhere)
    # First a page that says how many and which, with the button that does it; nothing done yet.
    asked = decide(moderator_client, "approve_author", mine[0])
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Approuver les 2 commentaires en attente de Lecteur" in page
    assert 'name="confirme" value="oui"' in page and "Oui, approuver ces 2 commentaires" in page
    assert [status_of(c) for c in mine] == [Status.PENDING, Status.PENDING]
    decide(moderator_client, "approve_author", mine[0], confirme="oui")
    assert [status_of(c) for c in mine] == [Status.APPROVED, Status.APPROVED]
    assert status_of(rejected_before) == Status.REJECTED  # pending ones only
    assert status_of(someone_else) == Status.PENDING

    on_article = [make_comment(article), make_comment(article)]
    asked = decide(moderator_client, "approve_article", on_article[0]).content.decode()
    assert f"Approuver les 2 commentaires en attente sur « {article.title} » ?" in asked
    assert [status_of(c) for c in on_article] == [Status.PENDING, Status.PENDING]
    decide(moderator_client, "approve_article", on_article[0], confirme="oui")
    assert [status_of(c) for c in on_article] == [Status.APPROVED, Status.APPROVED]
    assert status_of(someone_else) == Status.PENDING


def test_json_answer_for_javascript(moderator_client, article, make_comment):
    comment = make_comment(article)
    response = moderator_client.post(
        reverse(DECIDE), {"decision": "approve", "comment": comment.pk}, headers={"Accept": "application/json"}
    )
    assert response.json() == {
        "message": "1 commentaire approuvé.",
        "done": True,
        "undoable": True,
        "counts": {"en-attente": 0, "signales": 0},
    }
    assert status_of(comment) == Status.APPROVED


def test_dismiss_reports_and_reject_close_them(moderator_client, moderator, article, make_comment):
    kept, removed = make_comment(article, status=Status.APPROVED), make_comment(article, status=Status.APPROVED)
    for comment in (kept, removed):
        Comment.objects.filter(pk=comment.pk).update(hidden_by_reports=True)
        CommentReport.objects.create(comment=comment, reason=CommentReport.Reason.SPAM, reporter_key="x")
    decide(moderator_client, "dismiss", kept)
    decide(moderator_client, "reject", removed)
    kept.refresh_from_db()
    removed.refresh_from_db()
    assert (kept.status, kept.hidden_by_reports) == (Status.APPROVED, False)
    assert (removed.status, removed.hidden_by_reports) == (Status.REJECTED, False)
    assert not CommentReport.objects.filter(closed_at__isnull=True).exists()
    assert CommentReport.objects.filter(closed_by=moderator).count() == 2
    assert card_ids(moderator_client.get(desk_url(onglet="signales"))) == []


# Figures ------------------------------------------------------------------------------


def test_figures(moderator_client, make_user, article, make_comment):
    now = timezone.now()
    anne = make_user("anne.m", groups=["Modérateurs"], first_name="Anne", last_name="Muller")
    for minutes in (10, 30, 50):
        comment = make_comment(article, created_at=now - timedelta(minutes=minutes))
        comment.approve(by=anne)
    old = make_comment(article, created_at=now - timedelta(days=20))
    old.reject(by=anne)
    ModerationDecision.objects.filter(comment=old).update(decided_at=now - timedelta(days=10))
    make_comment(article)

    response = moderator_client.get(desk_url())
    figures = response.context["figures"]
    assert figures.waiting == 1
    assert figures.median_minutes == pytest.approx(30, abs=1)
    assert figures.decisions_by == [("Anne Muller", 3)]
    html = response.content.decode()
    assert "Anne Muller : 3" in html and "anne.m" not in html


# The change form's small things ----------------------------------------------------------


def test_change_form_names_the_moderator_and_explains_erasure_only_when_erased(
    moderator_client, make_user, article, make_comment
):
    anne = make_user("anne.m", groups=["Modérateurs"], first_name="Anne", last_name="Muller")
    comment = make_comment(article)
    comment.approve(by=anne)
    html = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "Anne Muller" in html and "anne.m" not in html
    assert "effacées à la demande" not in html
    comment.erase()
    html = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    assert "Données personnelles effacées à la demande de l’auteur." in html


# Reader pages never show emails ---------------------------------------------------------


def test_emails_never_on_reader_pages(client, moderator_client, article, make_comment):
    make_comment(article, author_email="secret.lecteur@exemple.fr", status=Status.APPROVED)
    assert "secret.lecteur@exemple.fr" in moderator_client.get(desk_url(onglet="approuves")).content.decode()
    assert "secret.lecteur" not in client.get(article.get_absolute_url()).content.decode()


def test_json_warning_keeps_the_card(moderator_client, article, make_comment):
    comment = make_comment(article)
    response = moderator_client.post(
        reverse(DECIDE), {"decision": "publier", "comment": comment.pk}, headers={"Accept": "application/json"}
    )
    assert response.json()["done"] is False
    assert "Choisissez" in response.json()["message"]
    assert status_of(comment) == Status.PENDING


def test_time_since_posting_reads_naturally():
    from datetime import timedelta

    from django.utils import timezone

    from comments.desk import since

    now = timezone.now()
    assert since(now - timedelta(seconds=20), now) == "à l’instant"
    assert since(now - timedelta(minutes=5), now) == "il y a 5\xa0minutes"
    assert since(now - timedelta(hours=2, minutes=3), now).startswith("il y a 2\xa0heures")


def test_an_approved_comment_is_made_the_newsrooms_choice_from_the_desk(moderator_client, article, make_comment):
    comment = make_comment(article, status=Status.APPROVED)
    html = moderator_client.get(desk_url(onglet="approuves")).content.decode()
    assert 'value="feature"' in html

    response = moderator_client.post(
        reverse("admin:comments_comment_desk_decide"), {"comment": comment.pk, "decision": "feature"}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_featured
    html = moderator_client.get(desk_url(onglet="approuves")).content.decode()
    assert "Choix de la rédaction</strong>" in html and 'value="unfeature"' in html
    moderator_client.post(
        reverse("admin:comments_comment_desk_decide"), {"comment": comment.pk, "decision": "unfeature"}
    )
    comment.refresh_from_db()
    assert not comment.is_featured


def test_a_pending_comment_cannot_be_featured_by_a_forged_post(moderator_client, article, make_comment):
    comment = make_comment(article)  # pending
    moderator_client.post(reverse("admin:comments_comment_desk_decide"), {"comment": comment.pk, "decision": "feature"})
    comment.refresh_from_db()
    assert not comment.is_featured


def test_the_card_links_to_a_ban_or_trust_rule_prefilled(moderator_client, article, make_comment):
    make_comment(article, author_email="troll@exemple.fr", ip_address="192.0.2.9")
    html = moderator_client.get(desk_url()).content.decode()
    add = reverse("admin:comments_commenterrule_add")
    assert f"{add}?kind=email&amp;value=troll%40exemple.fr&amp;action=ban" in html
    assert f"{add}?kind=ip&amp;value=192.0.2.9&amp;action=ban" in html
    form = moderator_client.get(f"{add}?kind=email&value=troll%40exemple.fr&action=ban").content.decode()
    assert 'value="troll@exemple.fr"' in form


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1", "abc"])
def test_odd_numbers_in_the_desk_address_are_ignored(moderator_client, value):
    assert moderator_client.get(desk_url(article=value)).status_code == 200
    response = moderator_client.post(
        reverse("admin:comments_comment_desk_decide"), {"comment": value, "decision": "approve"}
    )
    assert response.status_code == 302


def test_a_commenter_s_comments_are_read_by_the_expression_the_address_index_holds(make_article, make_comment):
    # « Auteur déjà approuvé », « Approuver l'auteur » and a person's data request read them by address.
    make_comment(make_article(), author_email="Lecteur.Fidele@Exemple.fr")
    comments = Comment.objects.by_email(" LECTEUR.fidele@exemple.FR ")

    assert comments.count() == 1
    # comment_author_email_idx holds LOWER(author_email); iexact compared UPPER(…), which no index holds.
    # (A plan read on a table of one row is the planner's whim, so the expression is checked instead.)
    assert 'LOWER("comments_comment"."author_email") = (LOWER(' in str(comments.query)


# Issue 23: the commenter's drawer, « Tout approuver » apart, messages ----------------------------


def test_the_history_opens_a_drawer_of_the_commenters_latest_comments(
    moderator_client, article, make_article, make_comment
):
    email = "habitue@exemple.fr"
    older = [
        make_comment(make_article(f"Sujet {number}"), f"Mon avis numéro {number}", author_email=email, status=status)
        for number, status in enumerate(
            [Status.APPROVED, Status.REJECTED, Status.SPAM, Status.APPROVED, Status.APPROVED]
        )
    ]
    comment = make_comment(article, "Encore moi", author_email="Habitue@Exemple.fr", ip_address="192.0.2.7")
    make_comment(article, "Un autre lecteur", author_email="autre@exemple.fr")

    html = moderator_client.get(desk_url()).content.decode()
    drawer = re.search(rf'<details class="desk-history" id="historique-{comment.pk}">(.*?)</details>', html, re.S)
    assert drawer, "the history is a drawer that opens with one click"
    drawer = drawer.group(1)
    assert "<summary>Historique : 3 approuvés, 1 rejeté, 1 indésirable</summary>" in drawer
    # The five latest, newest first, with their status and article; the oldest left to the full list.
    shown = re.findall(r"Mon avis numéro (\d)|Encore moi", drawer)
    assert shown == ["", "4", "3", "2", "1"]
    assert "Mon avis numéro 0" not in drawer and "Un autre lecteur" not in drawer
    assert "Indésirable</span>" in drawer and "Rejeté</span>" in drawer
    assert f'href="{older[4].article.get_absolute_url()}"' in drawer
    changelist = reverse("admin:comments_comment_changelist")
    assert f'href="{changelist}?q=Habitue%40Exemple.fr&amp;statut=tous"' in drawer
    add = reverse("admin:comments_commenterrule_add")
    assert f"{add}?kind=email&amp;value=Habitue%40Exemple.fr&amp;action=ban" in drawer
    assert f"{add}?kind=ip&amp;value=192.0.2.7&amp;action=ban" in drawer


def test_the_drawer_shows_no_ban_to_a_moderator_who_cannot_make_rules(make_user, client, article, make_comment):
    from django.contrib.auth.models import Permission

    reader_of_comments = make_user("lectrice")
    reader_of_comments.user_permissions.add(
        *Permission.objects.filter(codename__in=["moderate_comment", "view_comment", "change_comment"])
    )
    client.force_login(reader_of_comments)
    make_comment(article, author_email="troll@exemple.fr")
    html = client.get(desk_url()).content.decode()
    assert '<details class="desk-history"' in html
    assert "Bannir cette adresse" not in html


def test_approving_all_is_a_form_apart_from_the_cards_buttons(moderator_client, article, make_comment):
    make_comment(article)
    html = moderator_client.get(desk_url()).content.decode()
    actions = re.search(r'<form[^>]*class="desk-actions">(.*?)</form>', html, re.S).group(1)
    many = re.search(r'<form[^>]*class="desk-many">(.*?)</form>', html, re.S).group(1)
    assert "approve_author" not in actions and "approve_article" not in actions
    assert 'value="approve_author"' in many and 'value="approve_article"' in many
    assert "confirme" not in many  # the confirmation page adds it, never the desk


def test_the_confirmation_page_leads_back_to_the_desk_as_it_was(moderator_client, article, make_comment):
    comment = make_comment(article)
    back = desk_url(article=article.pk)
    page = decide(moderator_client, "approve_article", comment, next_url=back).content.decode()
    assert f'href="{back.replace("&", "&amp;")}"' in page and "Non, revenir au bureau" in page
    assert "Approuver le commentaire en attente sur" in page  # one: the singular
    answer = decide(moderator_client, "approve_article", comment, next_url=back, confirme="oui")
    assert answer.status_code == 302 and answer["Location"] == back
    assert status_of(comment) == Status.APPROVED


@pytest.mark.parametrize("decision", ["feature", "dismiss"])
def test_featuring_and_dismissing_leave_a_message(moderator_client, article, make_comment, decision):
    comment = make_comment(article, status=Status.APPROVED)
    CommentReport.objects.create(comment=comment, reason=CommentReport.Reason.SPAM, reporter_key="x")
    response = moderator_client.post(
        reverse(DECIDE), {"comment": comment.pk, "decision": decision, "next": desk_url()}, follow=True
    )
    html = response.content.decode()
    expected = {
        "feature": "Marqué « Choix de la rédaction »",
        "dismiss": "Signalements classés : le commentaire reste publié.",
    }[decision]
    assert re.search(r'<div class="desk-messages" role="status" aria-live="polite">\s*<ul class="messagelist">', html)
    assert expected in html


def test_counts_in_french_on_the_desk(moderator_client, article, make_comment):
    make_comment(article, author_email="nouveau@exemple.fr")
    html = moderator_client.get(desk_url()).content.decode()
    assert "0 approuvé, 0 rejeté, 0 indésirable" in html
