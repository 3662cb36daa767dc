"""Places articles are about, and the tree of places inside places that a territory's page reads."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from .addresses import slug_address


class TerritoryQuerySet(models.QuerySet):
    def containing(self, territory: "Territory"):
        """The territory itself and every place inside it, at any depth."""
        return self.filter(Q(pk=territory.pk) | Q(containers=territory))

    def with_places_inside(self):
        """Load each territory with the ids of every place inside it, in the same query.

        ``Article.objects.about_territory()`` then filters on these ids themselves, which
        PostgreSQL's planner estimates from its statistics; behind a subquery it has to
        guess, and its guess sent a town's page to a parallel scan.
        """
        closure = Territory.containers.through.objects.filter(to_territory_id=OuterRef("pk"))
        ids = (
            closure.order_by()
            .values("to_territory_id")
            .annotate(ids=StringAgg(Cast("from_territory_id", TextField()), Value(",")))
        )
        inside_ids = Coalesce(Subquery(ids.values("ids")), Value(""), output_field=TextField())
        return self.annotate(places_inside_ids=inside_ids)

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
        return slug_address("articles:territory", self.slug)

    def places_directly_inside(self):
        """The places whose parent it is or that belong to it as a grouping (not their own places)."""
        return Territory.objects.filter(Q(parent=self) | Q(groupings=self)).distinct()

    def clean(self):
        if (
            self.parent_id
            and self.pk
            and (self.parent_id == self.pk or self.parent.containers.filter(pk=self.pk).exists())
        ):
            raise ValidationError(
                {"parent": _("Un territoire ne peut pas être rattaché à lui-même ni à un lieu qu’il contient.")}
            )
