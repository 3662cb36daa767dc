"""« Composer la une »: the editors' page that orders the top of the front page, now or from a chosen time.

One form, whose every control works without JavaScript: « Monter », « Descendre », « Retirer »
and « Ajouter » are submit buttons that send the list as it is and get it back changed (nothing
saved), and each row has its position field. static/articles/frontpage.js does the same in the
page — moving rows by drag and drop or with those buttons, finding articles as the editor types
(``recherche/``) — and says each move in a polite live region. « Aperçu » posts the list to
``apercu/``: the front page as readers would see it with that order, never cached.

Editors only: whoever may publish (« publish_article ») may decide what leads.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.dates import SplitDateTimeAcrossClockChanges

from .models import Article, FrontPageComposition
from .templatetags.newsroom import french_date
from .views import HomeView

SEARCH_RESULTS = 8
MAX_QUERY_LENGTH = 200


def local_time(moment) -> str:
    """« 8 décembre 2026 à 6 h 00 », in Paris time."""
    return french_date(moment, with_time=True)


def reader_note(article: Article) -> str:
    """What readers see of this article at the top: nothing unless it is visible (its place is skipped)."""
    if article.is_visible:
        return ""
    if article.is_scheduled:
        return _("programmé le %(when)s : en une à partir de cette heure") % {"when": local_time(article.published_at)}
    return _("%(status)s : les lecteurs ne le voient pas, sa place est laissée aux suivants") % {
        "status": article.get_status_display().lower()
    }


class ScheduleForm(forms.Form):
    """When a composition takes effect: now (« Enregistrer ») or at a local time to come (« Programmer »)."""

    takes_effect_at = SplitDateTimeAcrossClockChanges(
        label=gettext_lazy("Mettre en une le"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=gettext_lazy(
            "Date (JJ/MM/AAAA) et heure (HH:MM), heure de Paris. Laissez vide pour « Enregistrer »."
        ),
    )

    def __init__(self, *args, scheduling: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheduling = scheduling

    def clean_takes_effect_at(self):
        moment = self.cleaned_data.get("takes_effect_at")
        if not self.scheduling:
            if moment is not None:  # a date typed, then « Enregistrer »: which one was meant is not ours to guess
                raise forms.ValidationError(
                    _(
                        "Pour paraître à cette date, choisissez « Programmer à cette date » ; videz le champ pour maintenant."
                    )
                )
            return None
        if moment is None:
            raise forms.ValidationError(_("Indiquez la date et l’heure auxquelles cette une doit paraître."))
        if moment <= timezone.now():
            raise forms.ValidationError(
                _(
                    "Cette date est passée : choisissez une date et une heure à venir, ou « Enregistrer » pour maintenant."
                )
            )
        return moment


@dataclass
class Row:
    """One article in the list being composed, as the form sent it."""

    article: Article
    position: str
    error: str = ""
    focus: str = ""  # the button to give the focus back to after a round trip without JavaScript

    @property
    def note(self) -> str:
        return reader_note(self.article)


class Composition:
    """The list of articles a POST describes (their ids in the form's order, and their position fields).

    A newsletter's edition is ordered the same way (newsletters.admin_editions): it names its own
    capacity, the articles it may take and its words.
    """

    removed_text = gettext_lazy("« %(title)s » retiré de la une")
    already_text = gettext_lazy("Cet article est déjà dans la une.")
    full_text = gettext_lazy("La une est complète (%(count)d articles) : retirez-en un avant d’en ajouter.")

    def __init__(self, rows: list[Row]):
        self.rows = rows

    @staticmethod
    def capacity() -> int:
        return settings.FRONT_PAGE_SLOTS

    @staticmethod
    def candidates():
        """The articles that may be added (the front page takes a scheduled one: it leads from its time)."""
        return Article.objects.all()

    @classmethod
    def from_articles(cls, articles) -> "Composition":
        return cls([Row(article, str(number)) for number, article in enumerate(articles, start=1)])

    @classmethod
    def from_post(cls, data) -> "Composition":
        ids = []
        for value in data.getlist("article"):
            if value.isdigit() and int(value) not in ids:
                ids.append(int(value))
        found = Article.objects.select_related("section").only(*CARD_FIELDS).in_bulk(ids)
        rows = [Row(found[pk], data.get(f"position_{pk}", "").strip()) for pk in ids if pk in found]
        # Sorted by the position fields, which are how the order is written without JavaScript;
        # a row whose field is not a number keeps its place, and says so.
        for row in rows:
            if not row.position.isdigit():
                row.error = _("Indiquez la position par un nombre entier (1 pour la tête).")
        if any(row.error for row in rows):
            return cls(rows)
        order = sorted(range(len(rows)), key=lambda index: (int(rows[index].position), index))
        composition = cls([rows[index] for index in order])
        composition.renumber()
        return composition

    @property
    def is_valid(self) -> bool:
        return not any(row.error for row in self.rows)

    @property
    def too_long(self) -> bool:
        return len(self.rows) > self.capacity()

    @property
    def articles(self) -> list[Article]:
        return [row.article for row in self.rows]

    def renumber(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            row.position = str(number)

    def index_of(self, pk) -> int | None:
        return next((index for index, row in enumerate(self.rows) if str(row.article.pk) == str(pk)), None)

    def move(self, pk, step: int) -> str:
        index = self.index_of(pk)
        if index is None:
            return ""
        row = self.rows[index]
        target = min(max(index + step, 0), len(self.rows) - 1)
        row.focus = "up" if step < 0 else "down"
        if target == index:
            edge = _("déjà en première position") if step < 0 else _("déjà en dernière position")
            return f"« {row.article.title} » {edge}"
        self.rows.insert(target, self.rows.pop(index))
        self.renumber()
        return _("« %(title)s » placé en position %(position)d") % {"title": row.article.title, "position": target + 1}

    def remove(self, pk) -> str:
        index = self.index_of(pk)
        if index is None:
            return ""
        row = self.rows.pop(index)
        self.renumber()
        if self.rows:
            self.rows[min(index, len(self.rows) - 1)].focus = "remove"
        return self.removed_text % {"title": row.article.title}

    def add(self, pk) -> str:
        if not str(pk).isdigit():
            return ""
        if self.index_of(pk) is not None:
            return str(self.already_text)
        if len(self.rows) >= self.capacity():
            return self.full_text % {"count": self.capacity()}
        article = self.candidates().select_related("section").only(*CARD_FIELDS).filter(pk=pk).first()
        if article is None:
            return ""
        self.rows.append(Row(article, str(len(self.rows) + 1), focus="up"))
        return _("« %(title)s » ajouté en position %(position)d") % {
            "title": article.title,
            "position": len(self.rows),
        }


# What a row shows: its title, its section and whether readers see it.
CARD_FIELDS = ("title", "slug", "status", "published_at", "section__name", "section__slug")


def search_articles(query: str, among=None) -> list[Article]:
    """The published and scheduled articles (or those of ``among``) whose title holds every word typed, newest first."""
    words = query[:MAX_QUERY_LENGTH].split()[:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word)
    among = Article.objects.filter(status=Article.Status.PUBLISHED) if among is None else among
    found = among.filter(condition).select_related("section")
    return list(found.only(*CARD_FIELDS).order_by("-published_at", "-pk")[:SEARCH_RESULTS])


def found_articles(results: list[Article]) -> JsonResponse:
    """The search's answer as frontpage.js reads it (a newsletter's edition reads it too)."""
    return JsonResponse(
        {
            "results": [
                {
                    "id": article.pk,
                    "title": article.title,
                    "section": article.section.name,
                    "note": reader_note(article),
                }
                for article in results
            ]
        }
    )


@method_decorator(never_cache, name="dispatch")
class FrontPagePreviewView(HomeView):
    """The front page with the order being composed, exactly as readers would see it: editors only."""

    template_name = "admin/articles/frontpage_preview.html"
    http_method_names = ["post"]
    composition: "Composition" = None

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def composed_articles(self, published) -> list[Article]:
        ids = [article.pk for article in self.composition.articles]
        visible = published.in_bulk(ids)
        return [visible[pk] for pk in ids if pk in visible]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = True
        context["compose_url"] = reverse("admin:articles_frontpagecomposition_changelist")
        return context


@admin.register(FrontPageComposition)
class FrontPageCompositionAdmin(admin.ModelAdmin):
    """The « Composer la une » page stands for the model's list: nothing else is edited here."""

    compose_template = "admin/articles/frontpage_compose.html"

    def has_module_permission(self, request):
        return Article.can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return Article.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return Article.can_publish(request.user)

    def has_add_permission(self, request):
        return False  # composed on the changelist's page, never through a blank form

    def has_delete_permission(self, request, obj=None):
        return False  # only a scheduled one is cancelled (« Annuler »); the others are the record of what led

    def get_urls(self):
        name = "articles_frontpagecomposition"

        def view(function):
            return self.admin_site.admin_view(self.editors_only(function))

        return [
            path("", view(self.compose_view), name=f"{name}_changelist"),
            path("apercu/", view(require_POST(self.preview_view)), name=f"{name}_preview"),
            path("recherche/", view(require_GET(self.search_view)), name=f"{name}_search"),
            path("<int:pk>/annuler/", view(require_POST(self.cancel_view)), name=f"{name}_cancel"),
        ]

    def editors_only(self, function):
        def checked(request, *args, **kwargs):
            if not self.has_change_permission(request):
                raise PermissionDenied
            return function(request, *args, **kwargs)

        return checked

    def current_composition(self) -> Composition:
        """What the editor starts from: the composition in force, or what the top shows without one."""
        in_force = FrontPageComposition.objects.in_force().first()
        if in_force is not None:
            slots = in_force.slots.select_related("article__section").order_by("position")
            return Composition.from_articles(slot.article for slot in slots)
        featured = Article.objects.published().featured().select_related("section").order_by("-published_at", "-pk")
        return Composition.from_articles(featured.only(*CARD_FIELDS)[: HomeView.featured_count])

    def compose_view(self, request):
        data = request.POST if request.method == "POST" else None
        composition = Composition.from_post(data) if data is not None else self.current_composition()
        scheduling = data is not None and "_schedule" in data
        form = ScheduleForm(data, scheduling=scheduling)
        announcement = ""
        query = (data or request.GET).get("q", "").strip()
        if data is not None and composition.is_valid:
            if "_move" in data:
                direction, _sep, pk = data["_move"].partition(":")
                announcement = composition.move(pk, -1 if direction == "up" else 1)
            elif "_remove" in data:
                announcement = composition.remove(data["_remove"])
            elif "_add" in data:
                announcement = composition.add(data["_add"])
            elif ("_save" in data or scheduling) and form.is_valid() and not composition.too_long:
                return self.save(request, composition, form.cleaned_data["takes_effect_at"])
        # The date's errors only when the list is being saved, not while it is being arranged.
        saving = data is not None and ("_save" in data or scheduling)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Composer la une"),
            "composition": composition,
            "form": form,
            "saving": saving,
            "announcement": announcement,
            "query": query,
            "results": search_articles(query) if query else None,
            "slots": settings.FRONT_PAGE_SLOTS,
            "in_force": FrontPageComposition.objects.in_force().first(),
            "scheduled": list(
                FrontPageComposition.objects.scheduled().prefetch_related("slots__article").select_related("created_by")
            ),
            "media": self.media + form.media,
            # The row frontpage.js copies for an article added in the page.
            "blank_row": {"article": {"pk": "__id__", "title": "", "section": {"name": ""}}, "position": ""},
        }
        return TemplateResponse(request, self.compose_template, context)

    def save(self, request, composition: Composition, takes_effect_at):
        saved = FrontPageComposition.objects.compose(
            composition.articles, by=request.user, takes_effect_at=takes_effect_at
        )
        if takes_effect_at:
            text = _("Une programmée : elle paraîtra le %(when)s.") % {"when": local_time(saved.takes_effect_at)}
        elif composition.rows:
            text = _("La une est enregistrée : les lecteurs la voient dès maintenant.")
        else:
            text = _("La une est vidée : les articles « À la une » reprennent leur place.")
        self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_frontpagecomposition_changelist"))

    def preview_view(self, request):
        composition = Composition.from_post(request.POST)
        return FrontPagePreviewView.as_view(composition=composition)(request)

    def search_view(self, request):
        return found_articles(search_articles(request.GET.get("q", "")))

    def cancel_view(self, request, pk):
        composition = get_object_or_404(FrontPageComposition, pk=pk)
        if composition.is_scheduled:
            when = local_time(composition.takes_effect_at)
            composition.delete()
            self.message_user(request, _("La une programmée pour le %(when)s est annulée.") % {"when": when})
        else:
            self.message_user(
                request, _("Cette une est déjà parue : elle ne peut plus être annulée."), messages.WARNING
            )
        return HttpResponseRedirect(reverse("admin:articles_frontpagecomposition_changelist"))
