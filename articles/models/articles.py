"""The article: its fields, the queries readers' lists and pages run, its workflow, and what its body points to.

The modules of the things an article's code writes or reads (sections, places, people, tags,
former addresses, corrections, the page's data) come below this one and are imported here.
Article versions come above it: a version is of an article, so ``revisions`` imports this module,
and the workflow methods here find ``ArticleRevision`` by name.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, models, transaction
from django.db.models import F, OuterRef, Prefetch, Q, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from common.text import single_line
from documents.models import Document
from images.models import Image

from .. import page_parts
from ..body import BodyOutline, References, clean_body, outline, plain_text, render_body
from ..body import reading_minutes as count_reading_minutes
from ..editor import body_editor_extensions
from .addresses import slug_address
from .dossiers import Dossier
from .page_data import read_page_data
from .personalities import Personality
from .redirects import ArticleSlugRedirect
from .sections import Section
from .tags import TaggedArticle
from .territories import Territory


def _subject_value(subject):
    """What an article's column is compared with: the subject's id, or the OuterRef given."""
    return subject.pk if isinstance(subject, models.Model) else subject


def _linked_value(subject):
    """The same, for a link table queried as a subquery of the articles' query (an OuterRef goes one level out)."""
    return OuterRef(subject) if isinstance(subject, OuterRef) else _subject_value(subject)


class ArticleQuerySet(models.QuerySet):
    # Beyond this, about_territory() leaves the places in a subquery rather than in the SQL text.
    MAX_LISTED_PLACES = 500

    def published(self):
        """What readers may see: published, and the publication date has come.

        Every public page, feed, sitemap and search starts from here; a scheduled
        article becomes visible at its date without any worker.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """What an article card needs: no body, which can be long and is never shown in lists."""
        return (
            self.select_related("section", "main_image")
            .defer("body", "body_html", *Article.SEARCH_FIELDS)
            .order_by("-published_at", "-pk")
        )

    def for_reading(self):
        """Everything the article page shows, in a fixed number of queries.

        The body comes already rendered (``body_html``): what it points to is not loaded.
        Authors, tags, places, people, the text's references and the related articles' ids
        come next, in one query (``page_data``); the related articles' cards after, if any.
        """
        return self.defer(*Article.SEARCH_FIELDS).select_related(
            "section", "main_image", *page_parts.loaded_with_article()
        )

    def linking_to(self, article: "Article"):
        """The articles whose body links to this one."""
        return self.filter(pk__in=BodyReference.objects.filter(target_article=article).values("article_id"))

    def showing_image(self, image):
        """The articles whose body shows this library image."""
        return self.filter(pk__in=BodyReference.objects.filter(image=image).values("article_id"))

    def showing_document(self, document):
        """The articles whose body links to this library document, or plays this audio or video."""
        return self.filter(pk__in=BodyReference.objects.filter(document=document).values("article_id"))

    def rerender_bodies(self, batch_size: int = 500) -> list[int]:
        """Render the stored HTML of these articles' bodies again, from what their references are now.

        For changes the articles themselves did not see: a linked article renamed or
        unpublished, a library image edited, new rendering rules (``manage.py rerender_articles``).
        In batches by primary key, each with its references in one query. Returns their ids.
        """
        articles = (
            self.order_by("pk")
            .only("pk", "title", "standfirst", "body")
            .prefetch_related(Prefetch("body_references", queryset=BodyReference.objects.for_rendering()))
        )
        rendered, last_pk = [], 0
        while batch := list(articles.filter(pk__gt=last_pk)[:batch_size]):
            for article in batch:
                article.render_body_html(references_from(article.body_references.all()))
            Article.objects.bulk_update(batch, Article.RENDERED_FIELDS)
            rendered += [article.pk for article in batch]
            last_pk = batch[-1].pk
        return rendered

    def featured(self):
        return self.filter(is_featured=True)

    # Articles about one subject (articles.subjects declares which method serves which). Each
    # takes the subject, its id, or ``OuterRef("pk")`` from a query over subjects (the sitemaps).

    def in_section(self, section):
        return self.filter(section_id=_subject_value(section))

    def about_territory(self, territory):
        """Articles tagged with the territory or with any place inside it, each once.

        Give a territory loaded ``with_places_inside()``: its places are then listed by id.
        """
        links = Article.territories.through.objects
        closure = Territory.containers.through.objects
        loaded = getattr(territory, "places_inside_ids", None)
        if isinstance(territory, OuterRef):
            # Per subject, from a query over territories: the link table is one query deeper.
            outer, outer_twice = OuterRef(territory), OuterRef(OuterRef(territory))
            inside = closure.filter(to_territory_id=outer_twice).values("from_territory_id")
            links = links.filter(Q(territory_id=outer) | Q(territory_id__in=inside))
        elif loaded is not None and loaded.count(",") < self.MAX_LISTED_PLACES:
            links = links.filter(territory_id__in=[territory.pk, *(int(pk) for pk in loaded.split(",") if pk)])
        else:
            # The place and the places inside it as a UNION of two index lookups: an OR across
            # the closure join made PostgreSQL's planner scan (450 ms instead of 60 ms at 100,000).
            # Large sets of places (a région) are planned well this way too.
            pk = _subject_value(territory)
            inside = closure.filter(to_territory_id=pk)
            places = (
                Territory.objects.filter(pk=pk)
                .order_by()
                .values("pk")
                .union(inside.values("from_territory_id"), all=True)
            )
            links = links.filter(territory__in=places)
        return self.filter(pk__in=links.values("article_id"))

    def about_personality(self, personality):
        links = Article.personalities.through.objects.filter(personality_id=_linked_value(personality))
        return self.filter(pk__in=links.values("article_id"))

    def tagged(self, tag):
        # By the tag's id, which PostgreSQL's statistics know, rather than through a join on its slug.
        links = TaggedArticle.objects.filter(tag_id=_linked_value(tag))
        return self.filter(pk__in=links.values("content_object_id"))

    def signed_by(self, author):
        # The user model is swappable: its column in the link table is named after it.
        author_column = Article.authors.field.m2m_reverse_name()
        links = Article.authors.through.objects.filter(**{author_column: _linked_value(author)})
        return self.filter(pk__in=links.values("article_id"))

    def latest_in_sections(self, section_ids, per_section: int):
        """The ``per_section`` latest articles of each of these sections, in one query, newest first."""
        newest_first = self.order_by("-published_at", "-pk")
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            # One short scan of article_section_published_idx per section, glued with UNION ALL:
            # the same cost at 1,000 and at 100,000 articles.
            firsts = [newest_first.filter(section_id=pk).values("pk")[:per_section] for pk in section_ids]
            if not firsts:
                return self.none()
            return self.filter(pk__in=firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0])
        # SQLite allows no LIMIT inside a UNION: number each section's articles by date instead,
        # which reads the whole archive (fine for the embedded default, too slow for a large one).
        rank = Window(RowNumber(), partition_by=F("section_id"), order_by=[F("published_at").desc(), F("pk").desc()])
        return (
            self.filter(section_id__in=section_ids)
            .annotate(rank_in_section=rank)
            .filter(rank_in_section__lte=per_section)
        )


class Article(models.Model):
    """A news story, from the journalist's draft to what readers see."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumis à relecture")
        PUBLISHED = "published", _("Publié")
        UNPUBLISHED = "unpublished", _("Dépublié")

    class CommentsMode(models.TextChoices):
        """Who may comment on an article; the comments app applies it (``CommentPolicy``)."""

        MODERATED = "moderated", _("Pré-modération")
        CLOSED = "closed", _("Fermés")
        TRUSTED_ONLY = "trusted_only", _("Réservés aux commentateurs de confiance")

    # Statuses only users with the « publish_article » permission may set or leave.
    EDITOR_STATUSES = {Status.PUBLISHED, Status.UNPUBLISHED}

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(
        _("adresse"),
        max_length=200,
        unique=True,
        help_text=_(
            "Partie de l’adresse web de l’article. Si elle change après publication, l’ancienne adresse redirige vers la nouvelle."
        ),
    )
    section = models.ForeignKey(Section, verbose_name=_("rubrique"), on_delete=models.PROTECT, related_name="articles")
    standfirst = models.TextField(
        _("chapô"), max_length=600, help_text=_("Deux ou trois phrases qui résument l’article.")
    )
    body = ProseEditorField(
        _("texte"),
        config={"extensions": body_editor_extensions()},
        sanitize=clean_body,
        help_text=_(
            "Intertitres, listes, citations, liens, images de la photothèque et encadrés : tout se fait avec les "
            "boutons de l’éditeur. Pour lier un autre article du site, collez simplement son adresse."
        ),
    )
    main_image = models.ForeignKey(
        "images.Image",
        verbose_name=_("image principale"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Affichée en tête de l’article, dans les listes et lors des partages."),
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("auteurs"), blank=True, related_name="articles"
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        _("date de publication"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Un article publié n’est visible qu’à partir de cette date : une date future le programme. "
            "Laissée vide, elle prend la date du moment de la publication."
        ),
    )
    updated_at = models.DateTimeField(
        _("mis à jour le"),
        null=True,
        blank=True,
        help_text=_("Date de la dernière mise à jour importante, affichée aux lecteurs « Mis à jour le … »."),
    )
    tags = TaggableManager(
        verbose_name=_("mots-clés"),
        through=TaggedArticle,
        blank=True,
        help_text=_("Séparés par des virgules : FinTech, IoT…"),
    )
    territories = models.ManyToManyField(Territory, verbose_name=_("territoires"), blank=True, related_name="articles")
    dossiers = models.ManyToManyField(Dossier, verbose_name=_("dossiers"), blank=True, related_name="articles")
    personalities = models.ManyToManyField(
        Personality, verbose_name=_("personnalités"), blank=True, related_name="articles"
    )
    related_articles = models.ManyToManyField("self", verbose_name=_("articles liés"), symmetrical=False, blank=True)
    is_featured = models.BooleanField(
        _("à la une"), default=False, help_text=_("Affiché en tête de la page d’accueil.")
    )
    comments_mode = models.CharField(
        _("commentaires"),
        max_length=20,
        choices=CommentsMode.choices,
        default=CommentsMode.MODERATED,
        help_text=_(
            "Pré-modération : chacun peut commenter, un modérateur approuve avant publication. "
            "Réservés : seuls les lecteurs à qui les modérateurs font confiance peuvent commenter. "
            "Les commentaires se ferment aussi d’eux-mêmes quelques jours après la publication."
        ),
    )
    # What search engines and shares show instead of the title and standfirst, when a desk wants
    # them shorter or worded for search (Google cuts titles near 60 characters, descriptions near
    # 155). Empty: the page uses the title and the standfirst (articles/seo.py).
    seo_title = models.CharField(
        _("titre pour les moteurs de recherche"),
        max_length=70,
        blank=True,
        default="",
        help_text=_(
            "70 caractères au plus (les moteurs de recherche en affichent environ 60). "
            "Laissé vide, le titre de l’article sert."
        ),
    )
    seo_description = models.CharField(
        _("description pour les moteurs de recherche"),
        max_length=160,
        blank=True,
        default="",
        help_text=_(
            "160 caractères au plus, sous le titre dans les résultats de recherche et les partages. "
            "Laissée vide, le chapô sert."
        ),
    )
    comment_count = models.PositiveIntegerField(_("commentaires publiés"), default=0, editable=False)
    # A default rather than auto_now_add: an importer gives the date the text was written elsewhere.
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Search data, derived from the text and the names of the subjects search indexes (tags,
    # places, people); written and kept current by the search app (search.indexing, whose
    # receivers are in search/signals.py). PostgreSQL fills search_vector; other databases
    # fill search_text with normalised words.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(default="", editable=False)
    SEARCH_FIELDS = ("search_vector", "search_text")  # never shown: lists and pages defer them
    # The body as readers get it, rendered when the article is saved (``render_body_html``) and
    # again when what it shows of other articles and images changes (articles/signals.py).
    # NULL until rendered: a row written behind the model's back (bulk insert, COPY) is rendered
    # at its first view, or by ``manage.py rerender_articles``.
    body_html = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001 (NULL: not rendered yet)
    # A scheduled article the body links to appears at this moment: the body is rendered again
    # at the first view after it (the link then becomes live), without any write at that time.
    body_html_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(_("temps de lecture"), default=1, editable=False)
    RENDERED_FIELDS = ("body_html", "body_html_expires_at", "reading_minutes")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", _("Peut publier et dépublier des articles"))]
        indexes = [
            # Readers' lists, newest first, only ever show published articles: partial indexes in
            # exactly their order, so that a page is a short index scan at any archive size.
            models.Index(
                fields=["-published_at", "-id"], condition=Q(status="published"), name="article_published_idx"
            ),
            # « À la une »: found at once, however rarely the desk features an article.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published", is_featured=True),
                name="article_featured_idx",
            ),
            # A section's page and the front page's latest articles per section.
            models.Index(
                fields=["section", "-published_at", "-id"],
                condition=Q(status="published"),
                name="article_section_published_idx",
            ),
            # The sitemap index's date for the articles: the latest update of a published article,
            # read from the top of this index rather than from every article.
            models.Index(
                fields=["-updated_at"],
                condition=Q(status="published", updated_at__isnull=False),
                name="article_updated_idx",
            ),
            # Full-text search on PostgreSQL (a plain, unused index on SQLite).
            GinIndex(fields=["search_vector"], name="article_search_vector_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, by=None, **kwargs):
        """Save; with ``by`` (the person saving), first refuse what they may not change (``check_changes``).

        Every person's write passes ``by``: the admin, the workflow methods below, the
        importers. Without it, the write is the system's own (migrations, scripts, fixtures).
        """
        if by is not None:
            self.check_changes(by)
        # A title is one line: a pasted line break or control character would reach page titles, feeds and
        # mail subjects (where Django refuses it, and the desk would never hear of the article).
        self.title = single_line(self.title)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        previous_slug = getattr(self, "_saved_slug", None)
        # The body is rendered for readers now, once, rather than on every view.
        found = outline(self.body)
        targets = BodyReference.objects.targets_of(found.linked_slugs, self)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"title", "standfirst", "body"} & set(update_fields):
            self.render_body_html(
                References(
                    images=Image.objects.in_bulk(found.image_ids),
                    articles=targets,
                    documents=Document.objects.select_related("poster").in_bulk(found.library_ids),
                )
            )
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *self.RENDERED_FIELDS}
        adding = self._state.adding
        # Without a savepoint: inside a caller's transaction (an import, the admin), a failure rolls the
        # whole of it back, as Django's own save does; two statements fewer per save.
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            BodyReference.objects.rebuild_for(self, found, targets, fresh=adding)
            if previous_slug and previous_slug != self.slug:
                ArticleSlugRedirect.objects.filter(article=self, old_slug=self.slug).delete()
                if getattr(self, "_saved_status", None) in self.EDITOR_STATUSES:
                    ArticleSlugRedirect.objects.update_or_create(old_slug=previous_slug, defaults={"article": self})
        self._remember_saved_state()

    def get_absolute_url(self):
        return slug_address("articles:article", self.slug)

    @property
    def search_engine_title(self) -> str:
        """The title search engines and shares get: the desk's own for them, else the article's."""
        return self.seo_title.strip() or self.title

    @property
    def search_engine_description(self) -> str:
        """The description search engines and shares get: the desk's own for them, else the standfirst."""
        return self.seo_description.strip() or self.standfirst

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # Remembered so that save() can tell a renamed or re-statused article (not when
        # deferred: reading them here would cost a query per article).
        if not set(cls.SAVED_STATE_FIELDS) & instance.get_deferred_fields():
            instance._remember_saved_state()
        return instance

    # What save() compares with the stored row: a rename, a status, a date or a feature changed.
    SAVED_STATE_FIELDS = ("slug", "status", "published_at", "is_featured")

    def _remember_saved_state(self):
        # Read by save() and check_changes() and by the receivers that render again the
        # bodies linking here (articles/signals.py).
        for name in self.SAVED_STATE_FIELDS:
            setattr(self, f"_saved_{name}", getattr(self, name))

    def link_target_changed(self) -> bool:
        """Whether links to this article now lead elsewhere, or appear or vanish (address, status, date)."""
        saved = (getattr(self, "_saved_slug", None), getattr(self, "_saved_status", None))
        return saved != (self.slug, self.status) or getattr(self, "_saved_published_at", None) != self.published_at

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    @property
    def is_visible(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def show_update_date(self) -> bool:
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)

    def mark_updated(self, at) -> None:
        """Date the article's last update ``at``, unless it already says later: readers' « Mis à jour le … »,
        the structured data's ``dateModified``, the feeds' updated date and the sitemaps' lastmod follow.

        Written alone, without saving the article: nothing else of it changed, so no version is kept and
        no body rendered. The pages showing the date are purged by whoever calls this (a correction's
        receivers in articles/caching.py).
        """
        if self.updated_at is None or self.updated_at < at:
            self.updated_at = at
        stale = Q(updated_at__isnull=True) | Q(updated_at__lt=at)
        type(self).objects.filter(stale, pk=self.pk).update(updated_at=at)

    # Reading ------------------------------------------------------------------

    @property
    def rendered_body(self) -> SafeString:
        """The body as readers get it: stored when saved, so reading it runs no query and no parser."""
        return mark_safe(self.body_html or "")

    def render_body_html(self, references: References) -> None:
        """Render the body and the reading time from the body and what it points to (not saved here)."""
        # The main image sits above the fold; body images below it load lazily.
        self.body_html = render_body(self.body, references, lazy_after=0)
        scheduled = [target.published_at for target in references.articles.values() if target and target.is_scheduled]
        self.body_html_expires_at = min(scheduled, default=None)
        self.reading_minutes = count_reading_minutes(self.title, self.standfirst, plain_text(self.body))

    @property
    def body_html_is_stale(self) -> bool:
        """Never rendered, or a scheduled article it links to has appeared since."""
        expires_at = self.body_html_expires_at
        return self.body_html is None or (expires_at is not None and expires_at <= timezone.now())

    def refresh_body_html_if_stale(self) -> None:
        """Before showing the body: render it again and store it if it is stale (two queries, once)."""
        if not self.pk or not self.body_html_is_stale:
            return
        # Kept as if prefetched: whoever reads body_references.all() next runs no query.
        prefetch_related_objects([self], Prefetch("body_references", queryset=BodyReference.objects.for_rendering()))
        self.render_body_html(references_from(self.body_references.all()))
        type(self).objects.filter(pk=self.pk).update(**{name: getattr(self, name) for name in self.RENDERED_FIELDS})

    @cached_property
    def page_data(self) -> dict:
        """Everything the article page shows besides the article's own row, read in one query.

        The subjects linked to it (``articles.subjects``: its places, people, topic tags, authors…,
        keyed by the article's field for them, as model instances with what the page shows of
        them, never an email address), what its text points to (``image_ids``,
        ``linked_article_ids``), its related articles (``related_article_ids``) and its
        rectificatifs and updates (``corrections``, oldest first). One UNION instead of a query
        each, in SQL (``page_data``): building it from querysets took the page longer than running it.
        """
        return read_page_data(self)

    @cached_property
    def visible_related_articles(self) -> list:
        """The « À lire aussi » cards: the related articles readers may see, newest first."""
        ids = self.page_data["related_article_ids"]
        return list(Article.objects.published().for_listing().filter(pk__in=ids)) if ids else []

    # Workflow -----------------------------------------------------------------

    @staticmethod
    def can_publish(user) -> bool:
        return user.has_perm("articles.publish_article")

    def check_changes(self, user) -> None:
        """Refuse, on the server, what only editors (« publish_article ») may change, from the stored row.

        - the status, to or from Publié / Dépublié;
        - « À la une », set or removed;
        - the publication date of an article that is or was public;
        - anything at all of a published (or scheduled) article: a journalist's changes to it are
          held as a proposal that an editor publishes (``ArticleRevision.objects.propose``).

        The admin hides these fields from journalists; this is the rule itself, for every writer.
        """
        if self.can_publish(user):
            return
        stored_status = getattr(self, "_saved_status", None)
        if stored_status == self.Status.PUBLISHED:
            raise PermissionDenied(
                _("Cet article est publié : vos modifications sont proposées à la rédaction en chef, qui les publie.")
            )
        if stored_status != self.status and {stored_status, self.status} & self.EDITOR_STATUSES:
            raise PermissionDenied(_("Seule la rédaction en chef peut publier ou dépublier un article."))
        if bool(getattr(self, "_saved_is_featured", False)) != bool(self.is_featured):
            raise PermissionDenied(_("Seule la rédaction en chef peut mettre un article à la une."))
        if stored_status in self.EDITOR_STATUSES and getattr(self, "_saved_published_at", None) != self.published_at:
            raise PermissionDenied(_("Seule la rédaction en chef peut changer la date d’un article publié."))

    # The workflow's operations, the only writers of ``status`` (tests/test_architecture.py checks
    # it). Each checks its rule, saves (``save(by=…)`` refuses what ``by`` may not change) and keeps
    # a version saying what happened (ArticleRevision.Action), in one transaction, and returns it:
    # that version is what emails the people concerned (articles/notifications.py). The versions'
    # model is found by name: its module imports this one (a version is of an article).

    def publish(self, by, at=None):
        """Publish now, or at ``at``: a date to come schedules it (``schedule``), and its version says so."""
        if at is not None:
            self.published_at = at
        return self._take_step(self.Status.PUBLISHED, by)

    def schedule(self, by, at):
        """Publish at ``at``, a moment to come: readers see the article from then on."""
        self.check_schedule_date(at)
        self.published_at = at
        return self._take_step(self.Status.PUBLISHED, by)

    def unpublish(self, by, *, recorded_as: str | None = None, remark: str = ""):
        """Take the article away from readers. ``recorded_as``: the version kept, « Dépublié » (which
        emails the authors) unless the article only follows its source (an import: « Importé »)."""
        ArticleRevision = apps.get_model("articles", "ArticleRevision")
        return self._take_step(self.Status.UNPUBLISHED, by, recorded_as or ArticleRevision.Action.UNPUBLISHED, remark)

    def submit_for_review(self, by):
        ArticleRevision = apps.get_model("articles", "ArticleRevision")
        return self._take_step(self.Status.SUBMITTED, by, ArticleRevision.Action.SUBMITTED)

    def send_back(self, by, remark: str):
        """Return a submitted article to its journalist as a draft, saying what to rework (``remark``,
        which they receive by email: it is required)."""
        if not self.can_publish(by):
            raise PermissionDenied(_("Seule la rédaction en chef peut renvoyer un article au journaliste."))
        if self.status != self.Status.SUBMITTED:
            raise ValidationError(
                _("Seul un article soumis à la rédaction en chef peut être renvoyé au journaliste."),
                code="not_submitted",
            )
        self.check_send_back_remark(remark)
        ArticleRevision = apps.get_model("articles", "ArticleRevision")
        return self._take_step(self.Status.DRAFT, by, ArticleRevision.Action.SENT_BACK, remark.strip())

    @staticmethod
    def check_schedule_date(at) -> None:
        """``schedule``'s rule, for a form to show before saving: a date, and one to come."""
        if at is None:
            message = _("Indiquez la date et l’heure de publication pour programmer l’article.")
            raise ValidationError({"published_at": ValidationError(message, code="required")})
        if at <= timezone.now():
            message = _("Cette date est passée : choisissez une date à venir, ou publiez l’article maintenant.")
            raise ValidationError({"published_at": ValidationError(message, code="past")})

    @staticmethod
    def check_send_back_remark(remark: str) -> None:
        """``send_back``'s rule, for a form to show before saving: the journalist is told what to rework."""
        if not (remark or "").strip():
            message = _("Dites au journaliste ce qu’il faut reprendre : la remarque est obligatoire.")
            raise ValidationError({"remark": ValidationError(message, code="required")})

    def _take_step(self, status: str, by, action: str | None = None, remark: str = ""):
        """Leave the article in ``status``, saved, and keep the version ``action`` (None: published or
        scheduled, as its date says)."""
        ArticleRevision = apps.get_model("articles", "ArticleRevision")
        with transaction.atomic():
            self.status = status
            self.save(by=by)
            if action is None:
                action = ArticleRevision.Action.SCHEDULED if self.is_scheduled else ArticleRevision.Action.PUBLISHED
            return ArticleRevision.objects.record(self, by, action, remark)

    # Validation and saving ------------------------------------------------------

    def clean(self):
        if self.slug:
            taken = (
                ArticleSlugRedirect.objects.filter(old_slug=self.slug)
                .exclude(article_id=self.pk)
                .select_related("article")
                .first()
            )
            if taken:
                raise ValidationError(
                    {
                        "slug": _(
                            "Cette adresse a déjà servi à l’article « %(title)s » et redirige vers lui ; choisissez-en une autre."
                        )
                        % {"title": taken.article.title}
                    }
                )


class BodyReferenceQuerySet(models.QuerySet):
    def targets_of(self, linked_slugs: set[str], article: "Article") -> dict:
        """The article each slug written in ``article``'s body means (a former slug: its article now)."""
        targets = {}
        if linked_slugs:
            linked = Article.objects.filter(slug__in=linked_slugs).defer(*LINKED_ARTICLE_UNUSED_FIELDS)
            targets = {a.slug: a for a in linked}
            missing = linked_slugs - targets.keys()
            for former in self._former_slugs(missing):
                targets[former.old_slug] = former.article
        if article.slug in linked_slugs:
            targets[article.slug] = article  # a link to itself: as being saved, not as stored
        return targets

    @staticmethod
    def _former_slugs(slugs):
        if not slugs:
            return []
        return ArticleSlugRedirect.objects.filter(old_slug__in=slugs).select_related("article")

    def for_rendering(self):
        """With what rendering needs of the linked articles and images, in one query."""
        unused = [f"target_article__{name}" for name in LINKED_ARTICLE_UNUSED_FIELDS]
        return self.select_related("target_article", "image", "document__poster").defer(*unused)

    def rebuild_for(self, article: "Article", found: BodyOutline, targets: dict, *, fresh: bool = False) -> None:
        """Record what the body points to (``found``, ``targets_of``), so that changes to those things find it.

        ``fresh``: the article was just created, and has no references to delete."""
        if not fresh:
            self.filter(article=article).delete()
        self.bulk_create(
            [
                BodyReference(article=article, linked_slug=slug, target_article=targets.get(slug))
                for slug in found.linked_slugs
            ]
            + [BodyReference(article=article, image_id=image_id) for image_id in found.image_ids]
            + [BodyReference(article=article, document_id=document_id) for document_id in found.library_ids]
        )


def references_from(body_references) -> References:
    """What a body points to, from its BodyReference rows (with their target articles and images)."""
    images, articles, documents = {}, {}, {}
    for reference in body_references:
        if reference.linked_slug:
            articles[reference.linked_slug] = reference.target_article
        elif reference.image is not None:
            images[reference.image_id] = reference.image
        elif reference.document is not None:
            documents[reference.document_id] = reference.document
    return References(images=images, articles=articles, documents=documents)


# What rendering a link never reads of the article it points to.
LINKED_ARTICLE_UNUSED_FIELDS = ("body", "body_html", "standfirst", *Article.SEARCH_FIELDS)


class BodyReference(models.Model):
    """An image or an article the body of an article points to.

    Links are stored by the slug written in the body and the article it meant,
    so that a renamed article keeps its links and a deleted one leaves plain text.
    """

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="body_references")
    linked_slug = models.SlugField(max_length=200, blank=True)
    target_article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    image = models.ForeignKey("images.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A linked document, or an audio or video file played in the body.
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BodyReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("référence du texte")
        verbose_name_plural = _("références du texte")

    def __str__(self):
        return self.linked_slug or (f"image {self.image_id}" if self.image_id else f"document {self.document_id}")


def document_shown_by_article(document) -> bool:
    """Whether an article readers can see links to this library document or plays it: until one does
    (or a published page, see pages), readers may not download it (documents.visibility).

    Its address (``/documents/<id>/``) is easy to guess, and a budget or a report is often uploaded
    with the article that breaks it, before that article is published.
    """
    return Article.objects.published().showing_document(document).exists()
