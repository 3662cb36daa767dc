"""Commenter rules and per-article comment modes, as readers and moderators meet them.

A ban (an address, a domain, an IP) sends the next comment to spam without a word to its
author; trust approves it at once; a lifted rule leaves the commenter to the usual
pre-moderation. Moderators keep the rules in the admin; an article may take comments from
trusted readers only.
"""

import pytest
from admin_pages import action_post, article_change_data, form_errors
from comment_form import post_comment
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from comments.models import BlockedTerm, Comment, CommenterRule

pytestmark = pytest.mark.django_db

WAITING = "Votre commentaire est en attente de modération"
TRUSTED_ONLY = "Les commentaires de cet article sont réservés aux lecteurs de confiance."
Kind, Action = CommenterRule.Kind, CommenterRule.Action


@pytest.fixture
def article(make_article):
    return make_article("Le marché couvert de Metz rouvre", slug="marche-couvert")


@pytest.fixture
def chief_moderator(make_user):
    # A login that is an address: the rules' list must show the name, never the login.
    return make_user("m.lhuillier@redaction.example", groups=["Modérateurs"], first_name="Marc", last_name="Lhuillier")


def rule(kind, value, action=Action.BAN, **fields) -> CommenterRule:
    return CommenterRule.objects.create(kind=kind, value=value, action=action, **fields)


def made_in_admin(moderator_client, kind, value, action=Action.BAN) -> CommenterRule:
    """Make a rule as a moderator does, through the admin's form; the rule stored."""
    response = moderator_client.post(add_url(), {"kind": kind, "value": value, "action": action, "reason": ""})
    assert response.status_code == 302, form_errors(response)
    return CommenterRule.objects.get()


def sent(client, article, **fields) -> Comment:
    """Post a comment as this reader's browser; the comment it stored (the answer is the usual redirect)."""
    response = post_comment(client, article, **fields)
    assert response.status_code == 302, response.status_code
    return Comment.objects.latest("pk")


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Bans: silently to spam ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "fields", "reason"),
    [
        (Kind.EMAIL, " Camille.Bernard@Exemple.FR ", {"email": "camille.bernard@exemple.fr"}, "adresse bannie"),
        (Kind.DOMAIN, "@exemple.fr", {"email": "qui.que.ce.soit@exemple.fr"}, "domaine banni"),
        (Kind.DOMAIN, "exemple.fr", {"email": "lecteur@mail.exemple.fr"}, "domaine banni"),  # subdomains too
        (Kind.IP, "2001:DB8:0::1", {"ip": "2001:db8::1"}, "adresse IP bannie"),
        (Kind.IP, "198.51.100.7", {"ip": "198.51.100.7"}, "adresse IP bannie"),
    ],
    ids=["email", "domain", "subdomain", "ipv6", "ipv4"],
)
def test_a_banned_commenter_s_comment_goes_silently_to_spam(client, article, mailoutbox, kind, value, fields, reason):
    rule(kind, value)

    comment = sent(client, article, body="Encore moi, avec mes idées.", **fields)

    assert comment.status == Comment.Status.SPAM
    assert comment.held_reason == f"{reason} : {CommenterRule.objects.get().value}"
    assert comment not in Comment.objects.in_moderation()
    assert mailoutbox == []  # moderators are not called for it
    # Its author's browser says what it says of any comment held back: nothing learnt.
    mine = page(client, article)
    assert WAITING in mine and "Encore moi, avec mes idées." in mine
    assert "Encore moi, avec mes idées." not in page(Client(), article)


def test_a_domain_ban_does_not_catch_a_lookalike_domain(client, article):
    rule(Kind.DOMAIN, "exemple.fr")

    comment = sent(client, article, email="lecteur@autre-exemple.fr")

    assert comment.status == Comment.Status.PENDING


def test_values_are_written_one_way_whatever_is_typed():
    assert rule(Kind.EMAIL, "  Jo@Exemple.FR ").value == "jo@exemple.fr"
    assert rule(Kind.DOMAIN, "@Exemple.FR.").value == "exemple.fr"
    assert rule(Kind.DOMAIN, "XN--BCHER-KVA.DE.").value == "bücher.de"
    assert rule(Kind.EMAIL, " Jo.Bernard@FORUM.XN--BCHER-KVA.DE ").value == "jo.bernard@forum.bücher.de"
    assert rule(Kind.IP, "2001:DB8:0:0::7").value == "2001:db8::7"


# Domains in every spelling: Unicode or punycode, any case, a trailing dot, subdomains -------------


@pytest.mark.parametrize(
    ("typed", "email"),
    [
        ("bücher.de", "lecteur@xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "lecteur@bücher.de"),
        ("BÜCHER.DE.", "lecteur@Bücher.de"),
        ("XN--BCHER-KVA.DE.", "lecteur@forum.bücher.de"),
        ("bücher.de", "lecteur@FORUM.XN--BCHER-KVA.DE"),
        # IDNA 2008, as registries write it: « ß » is a letter of its own, not « ss ».
        ("straße.de", "lecteur@xn--strae-oqa.de"),
        ("xn--strae-oqa.de", "lecteur@STRASSE.straße.de"),
        ("пример.рф", "lecteur@xn--e1afmkfd.xn--p1ai"),
        ("ｅｘｅｍｐｌｅ。fr", "lecteur@exemple.fr"),  # typed with a Japanese keyboard's full-width letters
        ("xn--h2brj9c.xn--h2brj9c", "lecteur@भारत.भारत"),  # a script with vowel signs, its extension too
        ("COL·LEGI.cat", "lecteur@xn--collegi-xma.cat"),  # Catalan's « l·l »
    ],
    ids=[
        "unicode-rule",
        "punycode-rule",
        "upper-case-and-dot",
        "punycode-rule-subdomain",
        "unicode-rule-punycode-subdomain",
        "eszett",
        "eszett-punycode",
        "cyrillic",
        "full-width",
        "devanagari",
        "catalan",
    ],
)
def test_a_domain_ban_catches_the_domain_in_every_spelling(moderator_client, article, typed, email):
    banned = made_in_admin(moderator_client, Kind.DOMAIN, typed)

    comment = sent(Client(), article, email=email)

    assert (comment.status, comment.held_reason) == (Comment.Status.SPAM, f"domaine banni : {banned.value}")


@pytest.mark.parametrize(
    ("typed", "email"),
    [("straße.de", "lecteur@strasse.de"), ("bücher.de", "lecteur@bucher.de"), ("bücher.de", "lecteur@xbücher.de")],
    ids=["eszett-is-not-ss", "u-umlaut-is-not-u", "lookalike"],
)
def test_a_domain_ban_does_not_catch_another_domain_spelt_alike(client, article, typed, email):
    rule(Kind.DOMAIN, typed)

    assert sent(client, article, email=email).status == Comment.Status.PENDING


def test_a_domain_is_stored_one_way_and_listed_as_moderators_read_it(moderator_client):
    response = moderator_client.post(
        add_url(), {"kind": "domain", "value": " @XN--BCHER-KVA.De. ", "action": "ban", "reason": ""}
    )

    assert response.status_code == 302, form_errors(response)
    assert CommenterRule.objects.get().value == "bücher.de"
    assert "xn--bcher-kva.de sont le même domaine" in moderator_client.get(add_url()).content.decode()
    assert "bücher.de" in moderator_client.get(reverse("admin:comments_commenterrule_changelist")).content.decode()
    # The same domain in its other spelling is already banned.
    again = moderator_client.post(add_url(), {"kind": "domain", "value": "Bücher.DE", "action": "ban", "reason": ""})
    assert "Une règle est déjà active pour « bücher.de »" in " ".join(again.context["adminform"].form.errors["value"])
    assert CommenterRule.objects.count() == 1


def test_the_rules_of_an_address_are_found_in_either_spelling_of_its_domain():
    banned = rule(Kind.DOMAIN, "bücher.de")

    for email in ["x@BÜCHER.DE.", "x@xn--bcher-kva.de.", "x@forum.xn--bcher-kva.de"]:
        assert list(CommenterRule.objects.applying_to(email, None)) == [banned], email
    assert not CommenterRule.objects.applying_to("x@xn--zz.de", None).exists()  # not a domain: no crash


# Addresses in either spelling of their domain: a ban or trust of one address is of both ----------

ADDRESS_SPELLINGS = [
    ("jo@bücher.de", "jo@xn--bcher-kva.de"),
    ("jo@xn--bcher-kva.de", "jo@bücher.de"),
    ("Jo@BÜCHER.DE", "JO@XN--BCHER-KVA.DE"),
    ("JO@XN--STRAE-OQA.DE", "Jo@Straße.de"),
    ("jo@пример.рф", "jo@XN--E1AFMKFD.XN--P1AI"),
]
ADDRESS_SPELLING_IDS = ["unicode-rule", "punycode-rule", "capitals", "eszett-capitals", "cyrillic"]


@pytest.mark.parametrize(("typed", "email"), ADDRESS_SPELLINGS, ids=ADDRESS_SPELLING_IDS)
def test_an_address_ban_catches_the_address_in_either_spelling_of_its_domain(moderator_client, article, typed, email):
    banned = made_in_admin(moderator_client, Kind.EMAIL, typed)

    comment = sent(Client(), article, email=email)

    assert (comment.status, comment.held_reason) == (Comment.Status.SPAM, f"adresse bannie : {banned.value}")


@pytest.mark.parametrize(("typed", "email"), ADDRESS_SPELLINGS, ids=ADDRESS_SPELLING_IDS)
def test_a_trusted_address_is_trusted_in_either_spelling_of_its_domain(moderator_client, make_article, typed, email):
    made_in_admin(moderator_client, Kind.EMAIL, typed, Action.TRUST)

    comment = sent(Client(), make_article(), email=email)
    reserved = sent(Client(), make_article(comments_mode=Article.CommentsMode.TRUSTED_ONLY), email=email)

    assert (comment.status, comment.held_reason) == (Comment.Status.APPROVED, "commentateur de confiance")
    assert reserved.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("typed", "email"),
    [("jo@bücher.de", "jo@bucher.de"), ("jo@straße.de", "jo@strasse.de"), ("jo@bücher.de", "joe@xn--bcher-kva.de")],
    ids=["u-umlaut-is-not-u", "eszett-is-not-ss", "another-address"],
)
@pytest.mark.parametrize("action", [Action.BAN, Action.TRUST])
def test_an_address_rule_does_not_reach_another_address_spelt_alike(client, article, action, typed, email):
    rule(Kind.EMAIL, typed, action)

    assert sent(client, article, email=email).status == Comment.Status.PENDING


def test_an_address_is_stored_one_way_and_ruled_once_in_either_spelling(moderator_client):
    assert made_in_admin(moderator_client, Kind.EMAIL, " Jo@XN--BCHER-KVA.De ").value == "jo@bücher.de"

    assert "jo@bücher.de" in moderator_client.get(reverse("admin:comments_commenterrule_changelist")).content.decode()
    # The same address in its other spelling already has its rule.
    again = moderator_client.post(add_url(), {"kind": "email", "value": "JO@Bücher.DE", "action": "trust"})
    errors = " ".join(again.context["adminform"].form.errors["value"])
    assert "Une règle est déjà active pour « jo@bücher.de »" in errors, errors
    assert CommenterRule.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ex_emple.fr", "le caractère « _ » n’est pas permis"),
        ("-exemple.fr", "« -exemple » commence ou finit par un tiret"),
        ("exemple..fr", "une partie vide entre deux points"),
        ("exemple.fr/forum", "le caractère « / » n’est pas permis"),
        ("exemple .fr", "un domaine s’écrit sans espace"),
        ("a·b.fr", "le caractère « · » n’est pas permis"),
        ("xn--zz.de", "« xn--zz » n’est pas un nom punycode valide"),
        ("xn--abc-.de", "« xn--abc- » n’est pas un nom punycode valide"),
        (f"{'a' * 64}.fr", "63 caractères au plus entre deux points"),
        ("exemple.f1", "l’extension « f1 » s’écrit en lettres"),
        ("xn--bcher-kva", "une extension seule"),
    ],
    ids=[
        "underscore",
        "hyphen",
        "empty-label",
        "path",
        "space",
        "middle-dot",
        "bad-punycode",
        "ascii-punycode",
        "long",
        "digit-tld",
        "tld",
    ],
)
def test_a_wrong_domain_is_explained_in_french_next_to_its_field(moderator_client, typed, message):
    response = moderator_client.post(add_url(), {"kind": "domain", "value": typed, "action": "ban", "reason": ""})

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["value"])
    assert "Saisissez un domaine valide" in errors and message in errors, errors
    assert not CommenterRule.objects.exists()


def rule_model_at(migration: str):
    """The comments app's migrations applied up to ``migration`` (forwards or back); the rule model it leaves."""
    executor = MigrationExecutor(connection)
    executor.migrate([("comments", migration)])
    return executor.loader.project_state([("comments", migration)]).apps.get_model("comments", "CommenterRule")


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_existing_domain_rules_in_the_stored_spelling(latest_schema_afterwards):
    Rule = rule_model_at("0007_submission_key")
    older = Rule.objects.create(kind="domain", value="xn--bcher-kva.de", action="ban", reason="Spam en série.")
    Rule.objects.create(kind="domain", value="bücher.de", action="ban")  # the same domain, banned twice
    Rule.objects.create(kind="domain", value="xn--e1afmkfd.xn--p1ai", action="ban")
    Rule.objects.create(kind="email", value="xn--bcher-kva@exemple.fr", action="ban")  # not a domain rule
    Rule.objects.create(kind="domain", value="ex_emple.fr", action="ban")  # refused today, kept as it was

    Rule = rule_model_at("0008_domain_rules_one_spelling")

    active = sorted(Rule.objects.filter(lifted_at__isnull=True).values_list("value", flat=True))
    assert active == ["bücher.de", "ex_emple.fr", "xn--bcher-kva@exemple.fr", "пример.рф"]
    assert Rule.objects.get(value="bücher.de", lifted_at__isnull=True).pk == older.pk  # the first one stays
    lifted = Rule.objects.get(lifted_at__isnull=False)
    assert (lifted.value, lifted.lifted_by) == ("bücher.de", None)


@pytest.mark.django_db(transaction=True)
def test_the_migration_writes_existing_address_rules_in_the_stored_spelling(latest_schema_afterwards):
    Rule = rule_model_at("0008_domain_rules_one_spelling")
    # One address banned twice, once in each spelling: the first made stays.
    older = Rule.objects.create(kind="email", value="ann@xn--bcher-kva.de", action="ban", reason="Spam en série.")
    Rule.objects.create(kind="email", value="ann@bücher.de", action="ban")
    # One address trusted in one spelling, banned in the other: the ban stays, as it outweighs trust.
    Rule.objects.create(kind="email", value="jo@bücher.de", action="trust")
    ban = Rule.objects.create(kind="email", value="jo@xn--bcher-kva.de", action="ban")
    Rule.objects.create(kind="email", value="lea@xn--e1afmkfd.xn--p1ai", action="trust")
    Rule.objects.create(kind="email", value="max@exemple.fr", action="ban")
    Rule.objects.create(kind="domain", value="xn--zz.de", action="ban")  # not an address rule: kept as it was

    Rule = rule_model_at("0009_email_rules_one_spelling")

    active = sorted(Rule.objects.filter(lifted_at__isnull=True).values_list("value", "action"))
    assert active == [
        ("ann@bücher.de", "ban"),
        ("jo@bücher.de", "ban"),
        ("lea@пример.рф", "trust"),
        ("max@exemple.fr", "ban"),
        ("xn--zz.de", "ban"),
    ]
    assert Rule.objects.get(value="ann@bücher.de", lifted_at__isnull=True).pk == older.pk
    assert Rule.objects.get(value="jo@bücher.de", lifted_at__isnull=True).pk == ban.pk
    lifted = sorted(Rule.objects.filter(lifted_at__isnull=False).values_list("value", "action", "lifted_by"))
    assert lifted == [("ann@bücher.de", "ban", None), ("jo@bücher.de", "trust", None)]


# Trust: approved at once -------------------------------------------------------------------------


def test_a_trusted_commenter_is_published_at_once(client, article, mailoutbox):
    rule(Kind.EMAIL, "Camille@Exemple.fr", Action.TRUST)

    comment = sent(client, article, email="camille@exemple.fr", body="Bonne nouvelle pour le quartier.")

    assert (comment.status, comment.held_reason) == (Comment.Status.APPROVED, "commentateur de confiance")
    assert "Bonne nouvelle pour le quartier." in page(Client(), article)
    assert Article.objects.get(pk=article.pk).comment_count == 1
    assert mailoutbox == []


def test_a_trusted_commenter_still_meets_the_blocklist(client, article):
    rule(Kind.EMAIL, "camille@exemple.fr", Action.TRUST)
    BlockedTerm.objects.create(term="casino")

    comment = sent(client, article, email="camille@exemple.fr", body="Venez au casino en ligne.")

    assert (comment.status, comment.held_reason) == (Comment.Status.SPAM, "mot interdit : casino")


def test_a_banned_domain_or_ip_outweighs_a_trusted_address(client, article):
    rule(Kind.EMAIL, "camille@exemple.fr", Action.TRUST)
    rule(Kind.IP, "203.0.113.9")

    comment = sent(client, article, email="camille@exemple.fr", ip="203.0.113.9")

    assert comment.status == Comment.Status.SPAM


def test_the_rules_are_read_in_one_query_per_comment(client, article):
    rule(Kind.EMAIL, "x@exemple.org")
    rule(Kind.DOMAIN, "exemple.org")
    rule(Kind.IP, "192.0.2.50")
    rule(Kind.EMAIL, "camille@exemple.fr", Action.TRUST)

    with CaptureQueriesContext(connection) as queries:
        sent(client, article, email="camille@exemple.fr")

    assert sum("comments_commenterrule" in query["sql"] for query in queries) == 1


# Lifting: back to the default ---------------------------------------------------------------------


@pytest.mark.parametrize("action", [Action.BAN, Action.TRUST])
def test_a_lifted_rule_leaves_the_commenter_to_pre_moderation(client, article, moderator, action):
    kept = rule(Kind.EMAIL, "camille@exemple.fr", action)
    kept.lift(by=moderator)

    comment = sent(client, article, email="camille@exemple.fr")

    assert comment.status == Comment.Status.PENDING
    assert comment in Comment.objects.in_moderation()
    assert (kept.lifted_by, kept.is_active) == (moderator, False)
    assert CommenterRule.objects.count() == 1  # lifted, not deleted


def test_only_moderators_lift_a_rule(journalist):
    kept = rule(Kind.EMAIL, "camille@exemple.fr")

    with pytest.raises(PermissionDenied):
        kept.lift(by=journalist)

    assert CommenterRule.objects.active().count() == 1


# The rules in the admin ---------------------------------------------------------------------------


def add_url(**params) -> str:
    url = reverse("admin:comments_commenterrule_add")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def test_a_moderator_bans_an_author_from_a_prefilled_form(client, chief_moderator, article):
    client.force_login(chief_moderator)

    form = client.get(add_url(kind="email", value="camille@exemple.fr", action="ban"))
    assert form.status_code == 200
    assert "Ajouter une règle sur un commentateur" in form.content.decode()
    initial = form.context["adminform"].form.initial
    assert (initial["kind"], initial["value"], initial["action"]) == ("email", "camille@exemple.fr", "ban")

    response = client.post(
        add_url(), {"kind": "email", "value": " Camille@Exemple.fr", "action": "ban", "reason": "Insultes répétées."}
    )

    assert response.status_code == 302, form_errors(response)
    made = CommenterRule.objects.get()
    assert (made.value, made.created_by, made.is_active) == ("camille@exemple.fr", chief_moderator, True)
    listing = client.get(reverse("admin:comments_commenterrule_changelist")).content.decode()
    assert "Marc Lhuillier" in listing and "m.lhuillier@redaction.example" not in listing
    assert "Insultes répétées." in listing and "bannir" in listing and "Active" in listing
    assert sent(Client(), article, email="CAMILLE@exemple.fr").status == Comment.Status.SPAM


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "email", "value": "camille-at-exemple.fr"}, "value", "Saisissez une adresse e-mail valide"),
        ({"kind": "domain", "value": "camille@exemple.fr"}, "value", "Un domaine s’écrit sans la partie avant « @ »"),
        ({"kind": "domain", "value": "fr"}, "value", "Saisissez un domaine valide"),
        ({"kind": "ip", "value": "300.1.2.3"}, "value", "Saisissez une adresse IPv4 ou IPv6 valide"),
        ({"kind": "domain", "value": "exemple.fr", "action": "trust"}, "action", "Seule une adresse e-mail"),
        ({"kind": "email", "value": "deja@exemple.fr"}, "value", "Une règle est déjà active pour « deja@exemple.fr »"),
    ],
    ids=["email", "domain-with-at", "bare-tld", "ip", "trusted-domain", "already-active"],
)
def test_a_wrong_value_is_explained_in_french_next_to_its_field(moderator_client, data, field, message):
    rule(Kind.EMAIL, "deja@exemple.fr")

    response = moderator_client.post(add_url(), {"action": "ban", "reason": "", **data})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert data["value"] in response.content.decode()  # what was typed is still there
    assert CommenterRule.objects.count() == 1


def test_a_moderator_lifts_a_rule_from_its_page(moderator_client, moderator):
    kept = rule(Kind.IP, "192.0.2.8", reason="Robot.")
    change_url = reverse("admin:comments_commenterrule_change", args=[kept.pk])
    lift_url = reverse("admin:comments_commenterrule_lift", args=[kept.pk])

    html = moderator_client.get(change_url).content.decode()
    assert f'formaction="{lift_url}"' in html and "Lever la règle" in html
    response = moderator_client.post(lift_url)

    assert response.status_code == 302
    kept.refresh_from_db()
    assert (kept.is_active, kept.lifted_by) == (False, moderator)
    listing = moderator_client.get(reverse("admin:comments_commenterrule_changelist") + "?etat=levees")
    assert "Levée le" in listing.content.decode()
    # Lifted, it is kept as it was: shown, not changed, never deleted.
    page_after = moderator_client.get(change_url).content.decode()
    assert "Lever la règle" not in page_after
    assert moderator_client.post(reverse("admin:comments_commenterrule_delete", args=[kept.pk])).status_code == 403


def test_a_moderator_lifts_several_rules_from_the_list(moderator_client):
    first, second = rule(Kind.EMAIL, "a@exemple.fr"), rule(Kind.DOMAIN, "exemple.org")

    moderator_client.post(
        reverse("admin:comments_commenterrule_changelist"), action_post("lift_selected", first, second)
    )

    assert CommenterRule.objects.active().count() == 0


def test_a_journalist_neither_sees_nor_makes_nor_lifts_rules(journalist_client):
    kept = rule(Kind.EMAIL, "camille@exemple.fr")

    assert journalist_client.get(reverse("admin:comments_commenterrule_changelist")).status_code == 403
    assert journalist_client.post(add_url(), {"kind": "ip", "value": "192.0.2.1", "action": "ban"}).status_code == 403
    assert journalist_client.post(reverse("admin:comments_commenterrule_lift", args=[kept.pk])).status_code == 403
    assert CommenterRule.objects.active().count() == 1


# Per article: pre-moderation, closed, trusted readers only ----------------------------------------


def test_an_article_for_trusted_readers_says_so_above_its_form(client, make_article):
    article = make_article(comments_mode=Article.CommentsMode.TRUSTED_ONLY)

    html = page(client, article)

    assert TRUSTED_ONLY in html
    assert html.index(TRUSTED_ONLY) < html.index('id="laisser-un-commentaire"')
    assert TRUSTED_ONLY not in page(client, make_article())


def test_an_untrusted_reader_is_refused_with_the_text_kept(client, make_article):
    article = make_article(comments_mode=Article.CommentsMode.TRUSTED_ONLY)

    response = post_comment(client, article, email="inconnu@exemple.fr", body="Mon avis, écrit avec soin.")

    assert response.status_code == 400
    assert not Comment.objects.exists()
    form = response.context["comment_form"]
    assert form.errors["email"] == [TRUSTED_ONLY]
    assert (form["body"].value(), form["email"].value()) == ("Mon avis, écrit avec soin.", "inconnu@exemple.fr")
    assert response["Cache-Control"] == "private, no-store"


def test_a_trusted_reader_comments_at_once_on_an_article_reserved_to_them(client, make_article):
    article = make_article(comments_mode=Article.CommentsMode.TRUSTED_ONLY)
    rule(Kind.EMAIL, "camille@exemple.fr", Action.TRUST)

    comment = sent(client, article, email="Camille@exemple.fr")

    assert comment.status == Comment.Status.APPROVED


def test_a_lifted_trust_closes_a_reserved_article_to_that_reader(client, make_article, moderator):
    article = make_article(comments_mode=Article.CommentsMode.TRUSTED_ONLY)
    rule(Kind.EMAIL, "camille@exemple.fr", Action.TRUST).lift(by=moderator)

    assert post_comment(client, article, email="camille@exemple.fr").status_code == 400


def test_editors_choose_the_mode_in_the_article_form(editor_client, make_article):
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    html = editor_client.get(url).content.decode()
    assert "Réservés aux commentateurs de confiance" in html and "Pré-modération" in html

    response = editor_client.post(url, article_change_data(article, comments_mode="closed"))

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.comments_mode == Article.CommentsMode.CLOSED
    assert "Les commentaires sont fermés" in page(Client(), article)


@pytest.fixture
def latest_schema_afterwards(transactional_db):
    """Every app's latest migration applied again once the test is done: unapplying 0012 unapplied all
    that came after it (articles' later migrations, the apps depending on them), and later tests need them."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_closed_articles_closed_and_their_versions_readable(latest_schema_afterwards):
    before, after = [("articles", "0011_corrections_roles")], [("articles", "0012_comments_mode")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    section = old.get_model("articles", "Section").objects.create(name="Sport", slug="sport")
    Old = old.get_model("articles", "Article")
    closed = Old.objects.create(title="Fermé", slug="ferme", section=section, comments_open=False)
    opened = Old.objects.create(title="Ouvert", slug="ouvert", section=section, comments_open=True)
    old.get_model("articles", "ArticleRevision").objects.create(
        article=closed, number=1, changed_fields=["title", "comments_open"], content={"comments_open": False}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    new = executor.loader.project_state(after).apps
    modes = dict(new.get_model("articles", "Article").objects.values_list("slug", "comments_mode"))
    assert modes == {closed.slug: "closed", opened.slug: "moderated"}
    revision = new.get_model("articles", "ArticleRevision").objects.get()
    assert (revision.content, revision.changed_fields) == ({"comments_mode": "closed"}, ["title", "comments_mode"])
