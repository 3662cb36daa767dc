"""Static pages: « À propos », « Contact », « Mentions légales »… and their versions.

Written with the articles' editor and sanitiser (``articles.body``), rendered once when saved, at
``/page/<slug>/``; those marked « Dans le pied de page » are the footer's menu, in the order the
editors give them. Why this shape: docs/decisions/static-pages.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles.body import References, clean_body, outline, plain_text, render_body
from articles.editor import body_editor_extensions
from articles.models import Article, ArticleSlugRedirect
from common.text import single_line
from documents.models import Document
from images.models import Image

# What a body link never needs of the article it points to.
LINKED_ARTICLE_FIELDS = ("pk", "slug", "status", "published_at")
DESCRIPTION_LENGTH = 160


class PageQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: the one rule for the page, the footer and the sitemap."""
        return self.filter(status=Page.Status.PUBLISHED)

    def in_footer(self):
        """The footer's menu, in the editors' order."""
        return self.filter(show_in_footer=True).order_by("footer_position", "title")


# A page's address is /page/<slug>/: a slug of figures alone is WordPress's /page/2/ (its lists' pages).
not_only_figures = RegexValidator(
    r"^\d+$",
    inverse_match=True,
    message=_("Une adresse faite seulement de chiffres est réservée ; ajoutez-y un mot."),
)


class Page(models.Model):
    """A page of the site outside the news: who we are, how to reach us, what the law requires.

    Readers see a published page at its address; a page's parent only places it in the
    site's tree (« Qui sommes-nous › L’équipe »), never in its address, so moving it breaks
    no link. Each save by a person keeps a version (``PageRevision``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publiée")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(
        _("adresse"),
        max_length=100,
        unique=True,
        validators=[not_only_figures],
        error_messages={"unique": _("Une autre page a déjà cette adresse ; choisissez-en une autre.")},
        help_text=_("La page est publiée à l’adresse /page/<adresse>/. Lettres, chiffres et tirets."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("page parente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_(
            "Facultatif : place la page sous une autre (« Qui sommes-nous › L’équipe »). L’adresse ne change pas."
        ),
    )
    body = ProseEditorField(
        _("texte"),
        config={"extensions": body_editor_extensions()},
        sanitize=clean_body,
        help_text=_("Le même éditeur que pour les articles : intertitres, listes, liens, images, encadrés."),
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Les lecteurs ne voient une page que publiée ; un brouillon répond « page introuvable »."),
    )
    show_in_footer = models.BooleanField(
        _("dans le pied de page"),
        default=False,
        help_text=_("Lien vers la page dans le pied de chaque page du site, une fois publiée."),
    )
    footer_position = models.PositiveSmallIntegerField(
        _("position dans le pied de page"),
        default=0,
        help_text=_("Les pages du pied de page sont rangées de la plus petite position à la plus grande."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    # The body as readers get it, rendered when the page is saved (as Article.body_html), its
    # description for search engines, and what it points to: {"images": [ids], "documents": [ids],
    # "articles": [ids], "slugs": [article addresses as written]}, so that a change to those renders
    # it again (pages.signals).
    body_html = models.TextField(editable=False, default="")
    description = models.CharField(max_length=DESCRIPTION_LENGTH + 1, editable=False, default="")
    body_references = models.JSONField(editable=False, default=dict)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["footer_position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, by=None, remark="", **kwargs):
        """Save, rendering the body; with ``by`` (the person saving), keep a version when the text changed."""
        self.title = single_line(self.title)
        self.render_body_html()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html", "description", "body_references"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            if by is not None:
                PageRevision.objects.record(self, by, remark)

    def get_absolute_url(self):
        return reverse("pages:page", kwargs={"slug": self.slug})

    def get_preview_url(self):
        return reverse("pages:preview", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def rendered_body(self) -> SafeString:
        return mark_safe(self.body_html)  # rendered by articles.body.render_body when saved

    def ancestors(self) -> list["Page"]:
        """Its parents, the top one first (one query each: a page is rarely more than two deep)."""
        found, seen, page = [], {self.pk}, self.parent
        while page is not None and page.pk not in seen:
            found.insert(0, page)
            seen.add(page.pk)
            page = page.parent
        return found

    def clean(self):
        super().clean()
        if (
            self.pk is not None
            and self.parent_id is not None
            and self.pk in {self.parent_id, *self._above(self.parent)}
        ):
            raise ValidationError(
                {"parent": _("Une page ne peut pas être placée sous elle-même ni sous une de ses sous-pages.")}
            )

    @staticmethod
    def _above(page) -> set[int]:
        return {ancestor.pk for ancestor in page.ancestors()}

    def render_body_html(self) -> None:
        """Render the body for readers from what it points to now (not saved here): three queries at most."""
        found = outline(self.body)
        references = References(
            images=Image.objects.in_bulk(found.image_ids) if found.image_ids else {},
            articles=linked_articles(found.linked_slugs),
            documents=(
                Document.objects.select_related("poster").in_bulk(found.library_ids) if found.library_ids else {}
            ),
        )
        self.body_html = render_body(self.body, references)
        self.description = Truncator(plain_text(self.body)).chars(DESCRIPTION_LENGTH)
        self.body_references = {
            "images": sorted(found.image_ids),
            "documents": sorted(found.library_ids),
            "articles": sorted({article.pk for article in references.articles.values() if article is not None}),
            "slugs": sorted(found.linked_slugs),
        }

    def restore(self, revision: "PageRevision", by) -> None:
        """Bring back a version's title and text, as a new version « Version N restaurée »."""
        self.title, self.body = revision.title, revision.body
        self.save(by=by, remark=_("Version %(number)s restaurée") % {"number": revision.number})


def linked_articles(slugs: set[str]) -> dict:
    """The article each slug written in a body means (a former slug: its article now), None when none."""
    if not slugs:
        return {}
    targets = {a.slug: a for a in Article.objects.filter(slug__in=slugs).only(*LINKED_ARTICLE_FIELDS)}
    missing = slugs - targets.keys()
    if missing:
        for former in ArticleSlugRedirect.objects.filter(old_slug__in=missing).select_related("article"):
            targets[former.old_slug] = former.article
    return {slug: targets.get(slug) for slug in slugs}


class PageRevisionQuerySet(models.QuerySet):
    def record(self, page: Page, by, remark="") -> "PageRevision | None":
        """Keep the page's title and text as its next version, unless the latest already holds them."""
        latest = self.filter(page=page).order_by("-number").first()
        if latest is not None and (latest.title, latest.body) == (page.title, page.body) and not remark:
            return None
        return self.create(
            page=page,
            number=(latest.number + 1) if latest else 1,
            title=page.title,
            body=page.body,
            author=by,
            remark=remark,
        )


class PageRevision(models.Model):
    """One saved state of a page's title and text, by whom and when; « Restaurer » brings it back.

    Simpler than the articles' versions (articles.revisions): a page has no workflow, subjects,
    proposals or concurrent desk, so a version is its two texts (docs/decisions/static-pages.md).
    """

    page = models.ForeignKey(Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    remark = models.CharField(_("remarque"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    objects = PageRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de page")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="page_revision_number_unique")]

    def __str__(self):
        return _("Version %(number)s") % {"number": self.number}


def document_shown_by_page(document) -> bool:
    """Whether a published page links to this library document or plays it (documents.visibility):
    a legal notice's PDF is released with the page, like an article's. Pages are few: read in Python,
    which works alike on SQLite and PostgreSQL (no JSON containment lookup on SQLite)."""
    return any(
        document.pk in references.get("documents", ())
        for references in Page.objects.published().values_list("body_references", flat=True)
    )
