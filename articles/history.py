"""Reading an article's history: two versions side by side as a reader would see the changes,
and bringing an old version back.

The body is stored as HTML; people compare words, not tags. It is read as readable blocks
(sub-headings, paragraphs, list items, captions, callouts, quotations), then compared block by
block and, where blocks differ, word by word (``difflib``): removed words in ``<del>``, added
words in ``<ins>``, everything else escaped.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Article, ArticleRevision, ArticleSlugRedirect
from .people import public_name
from .revisions import Kept, comparable, kept_as, tracked_fields
from .templatetags.newsroom import french_date

# What each kind of block is called next to its text (paragraphs need no name).
BLOCK_KINDS = {
    "h2": gettext_lazy("Intertitre"),
    "h3": gettext_lazy("Intertitre"),
    "li": gettext_lazy("Liste"),
    "figcaption": gettext_lazy("Légende"),
    "aside": gettext_lazy("Encadré"),
    "blockquote": gettext_lazy("Citation"),
    "img": gettext_lazy("Image"),
    "p": "",
}
_BLOCK_TAGS = {"p", "h2", "h3", "li", "figcaption"}
_WORDS = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]|\s+")  # « l’article » is one word


def field_label(name: str) -> str:
    return capfirst(Article._meta.get_field(name).verbose_name)


# The body as readable blocks ------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # a key of BLOCK_KINDS
    text: str

    @property
    def label(self) -> str:
        return str(BLOCK_KINDS.get(self.kind, ""))


class _BlockReader(HTMLParser):
    """Collects the text of each block; text inside a callout or quotation takes its kind."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.containers: list[str] = []  # open aside / blockquote
        self.current: list[str] | None = None
        self.kind = "p"

    def handle_starttag(self, tag, attrs):
        if tag in ("aside", "blockquote"):
            self._flush()
            self.containers.append(tag)
            title = dict(attrs).get("data-title")
            if tag == "aside" and title:
                self.blocks.append(Block("aside", title))
        elif tag in _BLOCK_TAGS:
            self._flush()
            self.current = []
            self.kind = self.containers[-1] if self.containers and tag in ("p", "li") else tag
        elif tag == "br" and self.current is not None:
            self.current.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            self.blocks.append(Block("img", alt or _("(sans texte de remplacement)")))

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self._flush()
        elif tag in ("aside", "blockquote") and self.containers:
            self._flush()
            self.containers.pop()

    def handle_data(self, data):
        if self.current is None:
            if not data.strip():
                return
            self.current, self.kind = [], self.containers[-1] if self.containers else "p"
        self.current.append(data)

    def _flush(self):
        if self.current is not None:
            text = re.sub(r"\s+", " ", "".join(self.current)).strip()
            if text:
                self.blocks.append(Block(self.kind, text))
        self.current = None

    def close(self):
        super().close()
        self._flush()


def readable_blocks(html: str) -> list[Block]:
    """The body's text as the blocks a reader sees, in order."""
    reader = _BlockReader()
    reader.feed(html or "")
    reader.close()
    return reader.blocks


# Word-level differences -----------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(text or "")


def _merged_opcodes(before: list[str], after: list[str]):
    """difflib's opcodes, with the spaces between two changes folded into the change, so that
    « a b c » → « x y z » reads as one change rather than three."""
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    merged = []
    for index, opcode in enumerate(opcodes):
        tag, i1, i2, j1, j2 = opcode
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and between_changes and not "".join(before[i1:i2]).strip():
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            _, p1, _, q1, _ = merged[-1]
            merged[-1] = ("replace", p1, i2, q1, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def word_diff(before: str, after: str) -> SafeString:
    """``after`` with the words removed since ``before`` in <del> and the words added in <ins>."""
    old, new = _tokens(before), _tokens(after)
    parts = []
    for tag, i1, i2, j1, j2 in _merged_opcodes(old, new):
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            parts.append(escape(removed))
            continue
        pieces = []
        if removed.strip():
            pieces.append(f"<del>{escape(removed.strip())}</del>")
        if added.strip():
            pieces.append(f"<ins>{escape(added.strip())}</ins>")
        # Keep the spaces the change stood between, outside the marks.
        lead = " " if (removed or added)[:1].isspace() else ""
        trail = " " if (removed or added)[-1:].isspace() else ""
        parts.append(lead + " ".join(pieces) + trail)
    return mark_safe("".join(parts))  # every piece of text is escaped above


@dataclass
class BlockChange:
    label: str
    html: SafeString
    state: str  # "same", "changed", "added", "removed"


def body_diff(before_html: str, after_html: str) -> list[BlockChange]:
    """The body's blocks, each unchanged, changed (word by word), added or removed."""
    before, after = readable_blocks(before_html), readable_blocks(after_html)
    changes = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [BlockChange(block.label, escape(block.text), "same") for block in before[i1:i2]]
            continue
        old, new = before[i1:i2], after[j1:j2]
        # Pair the blocks of a replaced stretch in order; the rest were removed or added.
        for index in range(max(len(old), len(new))):
            if index < len(old) and index < len(new) and old[index].kind == new[index].kind:
                changes.append(BlockChange(new[index].label, word_diff(old[index].text, new[index].text), "changed"))
                continue
            if index < len(old):
                html = mark_safe(f"<del>{escape(old[index].text)}</del>")
                changes.append(BlockChange(old[index].label, html, "removed"))
            if index < len(new):
                html = mark_safe(f"<ins>{escape(new[index].text)}</ins>")
                changes.append(BlockChange(new[index].label, html, "added"))
    return changes


# Two versions compared, field by field --------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    label: str
    kind: str  # "text", "body", "names", "value"
    html: SafeString | None = None
    blocks: list[BlockChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    before: str = ""
    after: str = ""


def readable_value(name: str, value) -> str:
    """A snapshot value as staff read it: names, French dates and labels, « — » for nothing."""
    if value in (None, "", []):
        return "—"
    match kept_as(name):
        case Kept.ONE:
            return value[1]
        case Kept.MANY:
            return ", ".join(pair[1] for pair in value)
        case Kept.NAMES:
            return ", ".join(value)
        case Kept.DATE:
            return french_date(datetime.fromisoformat(value), True)
    if name == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else value
    if name == "comments_mode":
        return str(Article.CommentsMode(value).label) if value in Article.CommentsMode.values else value
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if name == "body":
        return "\n".join(block.text for block in readable_blocks(value))
    return str(value)


def _names(value) -> dict:
    # Relations by id (a renamed place is the same place), shown by name; tags by name.
    if value and isinstance(value[0], list):
        return {pair[0]: pair[1] for pair in value}
    return {tag.casefold(): tag for tag in value or []}


def field_change(name: str, before, after) -> FieldChange:
    """How one field went from ``before`` to ``after`` (snapshot values), ready to show."""
    change = FieldChange(name, field_label(name), "value")
    if name in ("title", "standfirst", "slug") or kept_as(name) == Kept.TEXT:
        change.kind, change.html = "text", word_diff(before or "", after or "")
    elif name == "body":
        change.kind, change.blocks = "body", body_diff(before or "", after or "")
    elif kept_as(name) in (Kept.MANY, Kept.NAMES):
        old, new = _names(before), _names(after)
        change.kind = "names"
        change.added = [new[key] for key in new if key not in old]
        change.removed = [old[key] for key in old if key not in new]
    else:
        change.before, change.after = readable_value(name, before), readable_value(name, after)
    return change


def compare(before: dict, after: dict) -> tuple[list[FieldChange], list[str]]:
    """What changed from one version's content to another's, and the labels of what did not."""
    changes, same = [], []
    for name in tracked_fields():
        if comparable(name, before.get(name)) == comparable(name, after.get(name)):
            same.append(field_label(name))
        else:
            changes.append(field_change(name, before.get(name), after.get(name)))
    return changes, same


def changed_labels(revision: ArticleRevision) -> list[str]:
    return [field_label(name) for name in revision.changed_fields if name in tracked_fields()]


def author_name(revision: ArticleRevision) -> str:
    """Who saved a version, by the name readers would see (never a login that is an email)."""
    return public_name(revision.created_by, missing=_("le système"))


# Restoring ------------------------------------------------------------------------------------


def _existing(name: str, ids) -> set:
    """Those of ``ids`` still there, of the objects the article's relation ``name`` names."""
    model = Article._meta.get_field(name).related_model
    return set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))


def restore(
    article: Article,
    revision: ArticleRevision,
    by,
    *,
    action: str = ArticleRevision.Action.RESTORED,
    remark: str | None = None,
    mark_updated: bool = False,
) -> tuple[ArticleRevision, list[str]]:
    """Bring back ``revision``'s content — title, slug, standfirst, body, section, main image, who may
    comment, authors, tags, places, people, related articles, the SEO title and description — as a
    new version saved by ``by``.

    The status, publication date and « À la une » stay as they are: they change through the
    publication rules only. What the old version named and no longer exists (a deleted place,
    image or article, a slug taken since) is skipped; the French notes returned say what.
    The same brings a journalist's proposal online (``action``, ``remark``: what the new version
    says; ``mark_updated``: readers see « Mis à jour le … » now).
    """
    content = revision.content
    notes = []
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if mark_updated:
            article.updated_at = timezone.now()
        article.title, article.standfirst, article.body = content["title"], content["standfirst"], content["body"]
        slug = content["slug"]
        slug_taken = (
            Article.objects.filter(slug=slug).exclude(pk=article.pk).exists()
            or ArticleSlugRedirect.objects.filter(old_slug=slug).exclude(article=article).exists()
        )
        if slug_taken:
            notes.append(
                _("L’adresse « %(slug)s » sert à un autre article : l’adresse actuelle est gardée.") % {"slug": slug}
            )
        else:
            article.slug = slug
        # A version saved before a subject was declared says nothing of it: the article keeps its own.
        kinds = {name: kept_as(name) for name in tracked_fields() if name in content}
        for name in (name for name, kind in kinds.items() if kind == Kept.ONE):
            pair = content.get(name)
            if pair is None and Article._meta.get_field(name).null:
                setattr(article, f"{name}_id", None)
            elif pair is not None and _existing(name, [pair[0]]):
                setattr(article, f"{name}_id", pair[0])
            elif pair is not None:
                notes.append(
                    _("%(field)s « %(name)s » n’existe plus : la valeur actuelle est gardée.")
                    % {"field": field_label(name), "name": pair[1]}
                )
        # A version kept before a text field existed says nothing of it: the article keeps its own.
        for name in (name for name, kind in kinds.items() if kind == Kept.TEXT):
            setattr(article, name, content[name] or "")
        if content.get("comments_mode") in Article.CommentsMode.values:
            article.comments_mode = content["comments_mode"]
        article.save(by=by)
        for name in (name for name, kind in kinds.items() if kind == Kept.MANY):
            pairs = content[name] or []
            existing = _existing(name, [pair[0] for pair in pairs])
            existing.discard(article.pk if name == "related_articles" else None)
            gone = [pair[1] for pair in pairs if pair[0] not in existing]
            if gone:
                notes.append(
                    _("%(field)s : « %(names)s » n’existe plus et n’a pas été remis.")
                    % {"field": field_label(name), "names": "», « ".join(gone)}
                )
            getattr(article, name).set(sorted(existing))
        for name in (name for name, kind in kinds.items() if kind == Kept.NAMES):
            getattr(article, name).set(content[name] or [])
        new_revision = ArticleRevision.objects.record(
            article,
            by,
            action,
            remark=_("Version %(number)d restaurée") % {"number": revision.number} if remark is None else remark,
            refers_to=revision.number,
        )
    return new_revision, notes
