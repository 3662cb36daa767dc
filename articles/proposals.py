"""A journalist's changes to a published article wait for an editor.

Readers see only what the « Rédaction en chef » let through: once an article is published (or
scheduled), a journalist's save changes nothing of it. The form's content is kept as a version
of its own, « Modifications proposées » (``ArticleRevision.objects.propose``), beside the
published text; ``Article.check_changes`` refuses any other way in. An editor then reads what
would change and publishes the changes (``publish``) or refuses them with a remark
(``refuse``); either way the journalist is told by email (``articles.notifications``).
The same holds for what published articles show of people and images: once readers see them,
only an editor changes them (``person_reserved_to_editors``, ``image_reserved_to_editors``).

A proposal holds a whole content, made on a published version (``refers_to``). What goes online
is that published version's text with the fields the journalist changed: a field an editor
changed meanwhile, and the journalist did not, keeps the editor's value (``outcome``), so a
proposal never undoes later work unseen; the editor's page shows exactly what will change.
"""

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from images.models import Image

from .history import author_name, field_label, restore
from .models import Article, ArticleRevision, Personality
from .revisions import fingerprints, snapshot, three_way, tracked_fields

Action = ArticleRevision.Action


def proposed_fields() -> tuple[str, ...]:
    """What a proposal may change: the content. The status, the dates and « À la une » follow the
    publication rules (``Article.check_changes``), whatever a proposal says of them."""
    return tuple(
        name for name in tracked_fields() if name not in {"status", "published_at", "updated_at", "is_featured"}
    )


class ProposalGone(Exception):
    """The proposal was decided (or replaced, or the article unpublished) since the page was shown."""


def held_for_editors(user, article: Article | None) -> bool:
    """Whether this person's saves of this article are held as a proposal rather than saved."""
    return (
        article is not None
        and article.pk is not None
        and article.status == Article.Status.PUBLISHED
        and not Article.can_publish(user)
    )


def _approved_articles():
    # Published, or scheduled: what an editor let through, seen by readers now or at its date.
    return Article.objects.filter(status=Article.Status.PUBLISHED)


def person_reserved_to_editors(user, personality: Personality) -> bool:
    """Whether only an editor may change this person: one a published article names. A person
    nobody published yet has no page (``exists_through_articles``): the journalist who added
    them may still put them right."""
    return not Article.can_publish(user) and _approved_articles().about_personality(personality).exists()


def image_reserved_to_editors(user, image: Image) -> bool:
    """Whether only an editor may change this library image's text (alt, caption, credit): one
    a published article shows, or the portrait of a person readers see."""
    if Article.can_publish(user):
        return False
    shown = Q(main_image=image) | Q(pk__in=Article.objects.showing_image(image)) | Q(personalities__portrait=image)
    return _approved_articles().filter(shown).exists()


def propose(article: Article, by, related: dict, continues: ArticleRevision | None = None) -> ArticleRevision:
    """Keep ``article`` as a form left it (in memory, unsaved) and its relations as typed
    (``related``) as a proposal. ``continues``: the pending proposal the form showed, whose
    published version this one still starts from."""
    return ArticleRevision.objects.propose(
        article, by, related=related, refers_to=continues.refers_to if continues is not None else None
    )


def propose_version(article: Article, revision: ArticleRevision, by) -> ArticleRevision:
    """An older version's content, brought back by a journalist: a proposal like any other."""
    content = snapshot(article)
    content.update({name: revision.content.get(name) for name in proposed_fields() if name in revision.content})
    return ArticleRevision.objects.propose(
        article, by, content=content, remark=_("Version %(number)d restaurée") % {"number": revision.number}
    )


@dataclass
class Outcome:
    """What publishing a proposal would put online, against the article as it stands."""

    live: dict  # the article's content as readers see it now
    content: dict  # the published content with the proposal's changes
    # Labels of fields an editor changed since the proposal was made: kept as the editor left them…
    kept_since: list[str] = field(default_factory=list)
    # …and of those both changed: the proposal's value wins (the comparison shows it).
    overridden: list[str] = field(default_factory=list)
    # The journalist asked readers be told of an important update (« Signaler une mise à jour »).
    marks_update: bool = False


def outcome(article: Article, proposal: ArticleRevision) -> Outcome:
    """The article's content once ``proposal`` is published (see the module's docstring)."""
    live = snapshot(article)
    asked = proposal.content.get("updated_at")
    marks_update = bool(asked) and (article.updated_at is None or datetime.fromisoformat(asked) > article.updated_at)
    base = (
        ArticleRevision.objects.filter(article=article, number=proposal.refers_to).first()
        if proposal.refers_to
        else None
    )
    result = dict(live)
    if base is None:
        # Nothing to tell the journalist's changes from: the proposal as a whole.
        result.update({name: proposal.content.get(name) for name in proposed_fields()})
        return Outcome(live, result, marks_update=marks_update)
    # « Mine » is the article as it stands, « theirs » the proposal.
    only_proposal, only_live, both = three_way(fingerprints(base.content), live, proposal.content, proposed_fields())
    for name in [*only_proposal, *both]:
        result[name] = proposal.content.get(name)
    return Outcome(
        live,
        result,
        kept_since=[field_label(name) for name in only_live if name in proposed_fields()],
        overridden=[field_label(name) for name in both],
        marks_update=marks_update,
    )


def _locked_pending(article: Article, proposal: ArticleRevision) -> Article:
    """The article, its row locked, while ``proposal`` is still the one waiting; else ProposalGone."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    pending = ArticleRevision.objects.pending_proposal(locked)
    if pending is None or pending.pk != proposal.pk:
        raise ProposalGone
    return locked


def publish(article: Article, proposal: ArticleRevision, by) -> tuple[ArticleRevision, list[str]]:
    """Put the proposal's changes online, as a new version « Modifications publiées »."""
    if not Article.can_publish(by):
        raise PermissionDenied(_("Seule la rédaction en chef peut publier des modifications proposées."))
    with transaction.atomic():
        article = _locked_pending(article, proposal)
        result = outcome(article, proposal)
        return restore(
            article,
            SimpleNamespace(content=result.content, number=proposal.number),
            by,
            action=Action.CHANGES_PUBLISHED,
            remark=_("Modifications proposées par %(who)s (version %(number)d) publiées")
            % {"who": author_name(proposal), "number": proposal.number},
            mark_updated=result.marks_update,
        )


def refuse(article: Article, proposal: ArticleRevision, by, remark: str) -> ArticleRevision:
    """Turn the proposal down, with a remark for its author; the published text stays as it is."""
    if not Article.can_publish(by):
        raise PermissionDenied(_("Seule la rédaction en chef peut refuser des modifications proposées."))
    with transaction.atomic():
        article = _locked_pending(article, proposal)
        return ArticleRevision.objects.record(
            article, by, Action.CHANGES_REFUSED, remark=remark, refers_to=proposal.number
        )
