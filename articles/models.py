"""The newsroom's content: sections, places, public figures and the articles about them."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .body import References, clean_body, outline, plain_text, reading_minutes, render_body
from .editor import body_editor_extensions


class Section(models.Model):
    """A rubrique of the site (« Économie & emploi », « Sport »…); every article is filed in one."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("adresse"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Présentée aux lecteurs en tête de la page de la rubrique.")
    )
    menu_position = models.PositiveSmallIntegerField(
        _("position dans le menu"), default=0, help_text=_("Les rubriques sont affichées par position croissante.")
    )

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["menu_position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class TerritoryQuerySet(models.QuerySet):
    def containing(self, territory: "Territory"):
        """The territory itself and every place inside it, at any depth."""
        return self.filter(Q(pk=territory.pk) | Q(containers=territory))

    def rebuild_containers(self) -> None:
        """Recompute every territory's transitive containers from parents and groupings.

        The territory tree is small (a région has a few thousand communes) and
        changes rarely, so a full rebuild keeps the code obviously right; it lets
        a territory page find the articles about any place inside it in one query.
        """
        parent_of = dict(Territory.objects.values_list("pk", "parent_id"))
        groupings_of = defaultdict(set)
        for member_id, grouping_id in Territory.groupings.through.objects.values_list(
            "from_territory_id", "to_territory_id"
        ):
            groupings_of[member_id].add(grouping_id)

        wanted = set()
        for territory_id in parent_of:
            seen = set()
            pending = [territory_id]
            while pending:
                current = pending.pop()
                direct = set(groupings_of[current])
                if parent_of.get(current):
                    direct.add(parent_of[current])
                for container_id in direct - seen - {territory_id}:
                    seen.add(container_id)
                    pending.append(container_id)
            wanted.update((territory_id, container_id) for container_id in seen)

        closure = Territory.containers.through
        existing = set(closure.objects.values_list("from_territory_id", "to_territory_id"))
        with transaction.atomic():
            stale = existing - wanted
            if stale:
                stale_filter = Q()
                for member_id, container_id in stale:
                    stale_filter |= Q(from_territory_id=member_id, to_territory_id=container_id)
                closure.objects.filter(stale_filter).delete()
            closure.objects.bulk_create(
                [closure(from_territory_id=m, to_territory_id=c) for m, c in wanted - existing],
                ignore_conflicts=True,
            )


class Territory(models.Model):
    """A place articles are about: a commune, an intercommunalité or area, a département, a région.

    A territory has one administrative parent (Metz → Moselle → Grand Est) and may
    also belong to groupings that cross administrative borders (the « Sillon
    Lorrain » groups Thionville, Metz, Nancy and Épinal).
    """

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        GROUPING = "grouping", _("Intercommunalité ou aire")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("adresse"), max_length=150, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.COMMUNE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("rattachement administratif"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Le territoire qui le contient : la Moselle pour Metz, le Grand Est pour la Moselle."),
    )
    groupings = models.ManyToManyField(
        "self",
        verbose_name=_("regroupements"),
        symmetrical=False,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": Kind.GROUPING},
        help_text=_("Intercommunalités ou aires dont il fait partie, par exemple le Sillon Lorrain."),
    )
    containers = models.ManyToManyField(
        "self",
        symmetrical=False,
        editable=False,
        related_name="contained_territories",
        help_text="Every territory containing this one, directly or not; kept current by rebuild_containers().",
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:territory", kwargs={"slug": self.slug})

    def clean(self):
        if (
            self.parent_id
            and self.pk
            and (self.parent_id == self.pk or self.parent.containers.filter(pk=self.pk).exists())
        ):
            raise ValidationError(
                {"parent": _("Un territoire ne peut pas être rattaché à lui-même ni à un lieu qu’il contient.")}
            )


class Personality(models.Model):
    """A public figure the newsroom writes about: an elected official, a minister, a business leader."""

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("adresse"), max_length=150, unique=True)
    role = models.CharField(
        _("fonction"), max_length=200, blank=True, help_text=_("Par exemple « ministre de l’Économie ».")
    )
    portrait = models.ImageField(_("portrait"), upload_to="personalities/", blank=True)
    bio = models.TextField(_("biographie courte"), blank=True)

    class Meta:
        verbose_name = _("personnalité")
        verbose_name_plural = _("personnalités")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:personality", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    """Topic tags (FinTech, IoT…) through a real foreign key, so tag pages join instead of using generic relations."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("mot-clé d’article")
        verbose_name_plural = _("mots-clés d’articles")


class ArticleQuerySet(models.QuerySet):
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
            .defer("body", *Article.SEARCH_FIELDS)
            .order_by("-published_at", "-pk")
        )

    def for_reading(self):
        """Everything the article page shows, in a fixed number of queries."""
        articles = self.defer(*Article.SEARCH_FIELDS)
        return articles.select_related("section", "main_image").prefetch_related(
            Prefetch("authors", queryset=get_user_model().objects.order_by("last_name", "first_name")),
            "tags",
            Prefetch(
                "related_articles",
                queryset=Article.objects.published().for_listing(),
                to_attr="visible_related_articles",
            ),
            # Images and linked articles of the body, both in one query.
            Prefetch("body_references", queryset=BodyReference.objects.select_related("target_article", "image")),
        )

    def featured(self):
        return self.filter(is_featured=True)

    def in_section(self, section: Section):
        return self.filter(section=section)

    def about_territory(self, territory: Territory):
        """Articles tagged with the territory or with any place inside it, each once."""
        # The place and the places inside it as a UNION of two index lookups: an OR across
        # the closure join made PostgreSQL's planner scan (450 ms instead of 60 ms at 100,000).
        inside = Territory.containers.through.objects.filter(to_territory_id=territory.pk).values("from_territory_id")
        places = Territory.objects.filter(pk=territory.pk).order_by().values("pk").union(inside, all=True)
        links = Article.territories.through.objects.filter(territory__in=places)
        return self.filter(pk__in=links.values("article_id"))

    def about_personality(self, personality: Personality):
        return self.filter(personalities=personality)

    def tagged(self, tag_slug: str):
        return self.filter(pk__in=TaggedArticle.objects.filter(tag__slug=tag_slug).values("content_object_id"))

    def refresh_search_data(self) -> None:
        """Recompute the search data of these articles (see ``search.indexing``), in batches."""
        from search.indexing import refresh

        refresh(self.model, self.order_by().values_list("pk", flat=True), using=self.db)


class Article(models.Model):
    """A news story, from the journalist's draft to what readers see."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumis à relecture")
        PUBLISHED = "published", _("Publié")
        UNPUBLISHED = "unpublished", _("Dépublié")

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
    personalities = models.ManyToManyField(
        Personality, verbose_name=_("personnalités"), blank=True, related_name="articles"
    )
    related_articles = models.ManyToManyField("self", verbose_name=_("articles liés"), symmetrical=False, blank=True)
    is_featured = models.BooleanField(
        _("à la une"), default=False, help_text=_("Affiché en tête de la page d’accueil.")
    )
    comments_open = models.BooleanField(
        _("commentaires ouverts"),
        default=True,
        help_text=_("Les commentaires se ferment aussi d’eux-mêmes quelques jours après la publication."),
    )
    comment_count = models.PositiveIntegerField(_("commentaires publiés"), default=0, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Search data, derived from the text and the names of tags, places and people; kept
    # current by signals (articles/signals.py) through refresh_search_data(). PostgreSQL
    # fills search_vector; other databases fill search_text with normalised words.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(default="", editable=False)
    SEARCH_FIELDS = ("search_vector", "search_text")  # never shown: lists and pages defer them

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", _("Peut publier et dépublier des articles"))]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_visibility_idx"),
            # The front page ranks each section's latest articles.
            models.Index(fields=["section", "-published_at"], name="article_section_latest_idx"),
            # Full-text search on PostgreSQL (a plain, unused index on SQLite).
            GinIndex(fields=["search_vector"], name="article_search_vector_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        previous_slug = getattr(self, "_saved_slug", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            BodyReference.objects.rebuild_for(self)
            if previous_slug and previous_slug != self.slug:
                ArticleSlugRedirect.objects.filter(article=self, old_slug=self.slug).delete()
                if getattr(self, "_saved_status", None) in self.EDITOR_STATUSES:
                    ArticleSlugRedirect.objects.update_or_create(old_slug=previous_slug, defaults={"article": self})
        self._saved_slug = self.slug
        self._saved_status = self.status

    def get_absolute_url(self):
        return reverse("articles:article", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # Remembered so that save() can tell a renamed or re-statused article.
        instance._saved_slug = instance.slug
        instance._saved_status = instance.status
        return instance

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    def refresh_search_data(self) -> None:
        type(self).objects.filter(pk=self.pk).refresh_search_data()

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

    # Reading ------------------------------------------------------------------

    def rendered_body(self):
        """The body as readers get it; uses the prefetched references, so it runs no query."""
        images, articles = {}, {}
        for reference in self.body_references.all():
            if reference.linked_slug:
                articles[reference.linked_slug] = reference.target_article
            elif reference.image is not None:
                images[reference.image_id] = reference.image
        # The main image sits above the fold; body images below it load lazily.
        return render_body(self.body, References(images=images, articles=articles), lazy_after=0)

    @cached_property
    def places_and_people(self) -> dict:
        """The territories and personalities the article is about, both read in one query.

        One query instead of two keeps the article page within its budget of SQL queries.
        """
        columns = ["pk", "name", "slug"]
        places = Territory.objects.filter(articles=self).order_by().values(*columns).annotate(kind=Value("territory"))
        people = Personality.objects.filter(articles=self).order_by().values(*columns).annotate(kind=Value("person"))
        found = {"territories": [], "personalities": []}
        for row in sorted(places.union(people, all=True), key=lambda row: row["name"]):
            if row["kind"] == "territory":
                found["territories"].append(Territory(pk=row["pk"], name=row["name"], slug=row["slug"]))
            else:
                found["personalities"].append(Personality(pk=row["pk"], name=row["name"], slug=row["slug"]))
        return found

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.title, self.standfirst, plain_text(self.body))

    # Workflow -----------------------------------------------------------------

    @staticmethod
    def can_publish(user) -> bool:
        return user.has_perm("articles.publish_article")

    @classmethod
    def statuses_for(cls, user, current: str | None = None) -> list[str]:
        """The statuses this user may leave the article in."""
        if cls.can_publish(user):
            return list(cls.Status.values)
        if current in cls.EDITOR_STATUSES:
            return [current]
        return [cls.Status.DRAFT, cls.Status.SUBMITTED]

    def check_status_change(self, user) -> None:
        """Refuse, on the server, a status change the user has no right to make."""
        previous = getattr(self, "_saved_status", None)
        if previous == self.status:
            return
        if (self.status in self.EDITOR_STATUSES or previous in self.EDITOR_STATUSES) and not self.can_publish(user):
            raise PermissionDenied("Seule la rédaction en chef peut publier ou dépublier un article.")

    def publish(self, by, at=None) -> None:
        self.status = self.Status.PUBLISHED
        if at is not None:
            self.published_at = at
        self.check_status_change(by)
        self.save()

    def unpublish(self, by) -> None:
        self.status = self.Status.UNPUBLISHED
        self.check_status_change(by)
        self.save()

    def submit_for_review(self, by) -> None:
        self.status = self.Status.SUBMITTED
        self.check_status_change(by)
        self.save()

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
    def rebuild_for(self, article: "Article") -> None:
        """Record what the body points to, so the page loads it with the article."""
        found = outline(article.body)
        targets = {}
        if found.linked_slugs:
            targets = {a.slug: a for a in Article.objects.filter(slug__in=found.linked_slugs)}
            for former in ArticleSlugRedirect.objects.filter(old_slug__in=found.linked_slugs - targets.keys()):
                targets[former.old_slug] = former.article
        self.filter(article=article).delete()
        self.bulk_create(
            [
                BodyReference(article=article, linked_slug=slug, target_article=targets.get(slug))
                for slug in found.linked_slugs
            ]
            + [BodyReference(article=article, image_id=image_id) for image_id in found.image_ids]
        )


class BodyReference(models.Model):
    """An image or an article the body of an article points to.

    Links are stored by the slug written in the body and the article it meant,
    so that a renamed article keeps its links and a deleted one leaves plain text.
    """

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="body_references")
    linked_slug = models.SlugField(max_length=200, blank=True)
    target_article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    image = models.ForeignKey("images.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = BodyReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("référence du texte")
        verbose_name_plural = _("références du texte")

    def __str__(self):
        return self.linked_slug or f"image {self.image_id}"


class ArticleSlugRedirect(models.Model):
    """A former address of a published article, answered with a permanent redirect forever."""

    old_slug = models.SlugField(_("ancienne adresse"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("ancienne adresse")
        verbose_name_plural = _("anciennes adresses")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
