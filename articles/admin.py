"""The newsroom's desk: journalists write and submit, editors publish."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_titles import FrenchTitlesMixin, Names
from common.dates import SplitDateTimeAcrossClockChanges, unchanged_instant

from . import (  # noqa: F401 (admin_tags: the topic tags' admin, replacing taggit's; admin_staff: the user pages)
    admin_columns,
    admin_frontpage,  # « Composer la une »: registers its page
    admin_staff,
    admin_tags,
    admin_tools,
    body_search,
    proposals,
    staff,
)
from .admin_drafts import ServerDraftsMixin
from .admin_embeds import EmbedRecognitionMixin
from .admin_history import ArticleConcurrencyForm, ArticleHistoryAdminMixin
from .admin_links import LinkSearchMixin
from .admin_proposals import PendingChangesFilter, ProposalAdminMixin
from .admin_suggestions import LiveSuggestionsMixin
from .admin_tags import FoldedTagsFormMixin, TagAutocompleteMixin
from .admin_workflow import AuthorFilter, DeskFormMixin, DeskWorkflowMixin, FeaturedFilter, status_text
from .editor_admin import EditorAdminMixin
from .models import Article, ArticleSlugRedirect, Correction, Personality, Section, Territory
from .people import names_list, public_name, staff_name
from .revisions import ARTICLE_FIELDS
from .seo_admin import SEO_WIDGETS
from .subjects import SUBJECTS
from .suggestions import untagged_mentions


class ArticleAdminForm(ArticleConcurrencyForm, DeskFormMixin, FoldedTagsFormMixin, forms.ModelForm):
    mark_as_updated = forms.BooleanField(
        label=_("Signaler une mise à jour importante"),
        required=False,
        help_text=_("Affiche aux lecteurs « Mis à jour le … » avec la date d’enregistrement."),
    )
    add_suggested_territories = forms.ModelMultipleChoiceField(
        queryset=Territory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Territoires cités dans le texte"),
        help_text=_("Cochez ceux à ajouter aux territoires de l’article, puis enregistrez."),
    )
    add_suggested_personalities = forms.ModelMultipleChoiceField(
        queryset=Personality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Personnalités citées dans le texte"),
        help_text=_("Cochez celles à ajouter aux personnalités de l’article, puis enregistrez."),
    )

    # Set per request by ArticleAdmin.get_form.
    suggestions = ([], [])

    class Meta:
        model = Article
        # The article's own fields and its subjects (the versions keep the same, ``revisions``).
        fields = [*ARTICLE_FIELDS, *(subject.article_field for subject in SUBJECTS)]
        widgets = SEO_WIDGETS

    def clean_published_at(self):
        # Sent back as displayed: the very instant stored, even in the hour the clocks show twice.
        return unchanged_instant(self.cleaned_data.get("published_at"), self.instance.published_at)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "authors" in self.fields:
            # The writing staff can be added (not moderators); former authors stay on their articles.
            current_authors = self.instance.authors.all() if self.instance.pk else get_user_model().objects.none()
            self.fields["authors"].queryset = (
                get_user_model()
                .objects.filter(Q(pk__in=staff.writers().values("pk")) | Q(pk__in=current_authors.values("pk")))
                .order_by("last_name", "first_name")
            )
            # By name; by login for who has none, so that two « La rédaction » can be told apart.
            self.fields["authors"].label_from_instance = staff_name
        territories, personalities = self.suggestions
        if "add_suggested_territories" in self.fields:
            self.fields["add_suggested_territories"].queryset = Territory.objects.filter(
                pk__in=[t.pk for t in territories]
            )
        if "add_suggested_personalities" in self.fields:
            self.fields["add_suggested_personalities"].queryset = Personality.objects.filter(
                pk__in=[p.pk for p in personalities]
            )


CORRECTION_NAMES = Names(_("un rectificatif ou une mise à jour"), _("le rectificatif ou la mise à jour"))


def signed_by(correction: Correction) -> str:
    """Who wrote a rectificatif, by name as bylines are: never by a login that is an email address."""
    return public_name(correction.created_by)


class CorrectionFormSet(BaseInlineFormSet):
    """The article form's rectificatifs and updates; each new one is signed by the person saving it."""

    # Set per request by CorrectionInline.get_formset.
    author = None

    def save_new(self, form, commit=True):
        form.instance.created_by = self.author
        return super().save_new(form, commit)


class CorrectionInline(admin.StackedInline):
    """Rectificatifs and updates on the article's form: editors add and edit them, journalists read them.

    The permissions are the model's (``add_correction``… granted to the « Rédaction en chef »);
    without them Django shows the notes read-only and ignores a forged POST. Only a published
    article takes one (``Correction.clean`` says so in French): a draft is simply corrected.
    """

    model = Correction
    names = CORRECTION_NAMES
    formset = CorrectionFormSet
    extra = 0
    fields = ["kind", "text", "published_at", "author_name"]
    readonly_fields = ["published_at", "author_name"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A subclass per request: the person must not leak between requests.
        return type(formset.__name__, (formset,), {"author": request.user})

    # Shows nothing when there is nothing to show nor to add (a new article, an article without
    # notes for a journalist): an empty heading would only lengthen a long form.
    template = "admin/articles/correction_inline.html"

    def has_add_permission(self, request, obj):
        # Not on a new article's form: readers cannot have read it yet.
        return obj is not None and super().has_add_permission(request, obj)

    @admin.display(description=_("par"))
    def author_name(self, correction):
        return signed_by(correction)


@admin.register(Article)
class ArticleAdmin(
    ProposalAdminMixin,
    ArticleHistoryAdminMixin,
    DeskWorkflowMixin,
    EditorAdminMixin,
    ServerDraftsMixin,
    LinkSearchMixin,
    EmbedRecognitionMixin,
    LiveSuggestionsMixin,
    TagAutocompleteMixin,
    FrenchTitlesMixin,
    admin.ModelAdmin,
):
    names = Names(_("un article"), _("l’article"))
    form = ArticleAdminForm
    # An article published in the hour the clocks go back can be saved again (common.dates).
    formfield_overrides = {models.DateTimeField: {"form_class": SplitDateTimeAcrossClockChanges}}
    inlines = [CorrectionInline]
    # The buttons also at the top of the form, in the bar that stays in view (change_form.html).
    save_on_top = True
    # Few, narrow columns: the list fits a laptop's screen (the status says the date and « À la une »).
    list_display = ["title_column", "section", "status_column", "author_names", "comment_count"]
    list_filter = [
        "status",
        PendingChangesFilter,
        "section",
        "territories",
        ("authors", AuthorFilter),
        ("is_featured", FeaturedFilter),
    ]
    list_select_related = ["section"]
    search_fields = ["title", "slug"]  # and the words of the body, through ``body_search``
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "main_image",
        "related_articles",
        *(subject.article_field for subject in SUBJECTS if subject.autocompleted),
    ]
    filter_horizontal = ["authors"]
    readonly_fields = ["site_links", "updated_at", "created_at", "modified_at"]
    actions = ["publish_selected", "unpublish_selected"]
    base_fieldsets = [
        (None, {"fields": ["site_links", "title", "slug", "section", "standfirst", "main_image", "body"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "workflow_status",
                    "published_at",
                    "mark_as_updated",
                    "updated_at",
                    "is_featured",
                    "comments_mode",
                    "authors",
                ]
            },
        ),
        # The subjects listed at the article's foot, as readers find them there.
        (
            _("Classement"),
            {
                "fields": [
                    *(subject.article_field for subject in SUBJECTS if subject.footer_heading),
                    "related_articles",
                ]
            },
        ),
        # Folded: most articles keep their title and standfirst for search engines (articles/seo.py).
        (_("Référencement"), {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]}),
    ]
    history_fieldset = (_("Historique"), {"classes": ["collapse"], "fields": ["created_at", "modified_at"]})

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.strip()
        if words:
            found = found | body_search.matching(queryset, words)
        return found, may_have_duplicates

    def get_list_display(self, request):
        # Then the columns apps above articles add (admin_columns: the readings).
        return [*super().get_list_display(request), *admin_columns.list_display()]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        admin_columns.fill(changelist.result_list)  # one query per added column for the whole page
        return changelist

    def get_queryset(self, request):
        # The search columns can be large and the desk never shows them.
        return super().get_queryset(request).prefetch_related("authors").defer("search_vector", "search_text")

    @property
    def media(self):
        # The editor's buttons and dialogs in French; the tags' autocomplete; the bar of buttons kept in view.
        return super().media + forms.Media(
            js=[
                reverse("prose_editor_jsi18n"),
                "articles/admin/suggestions.js",
                "articles/admin/tags.js",
                "articles/admin/action_bar.js",
            ],
            css={"all": ["articles/editor/editor.css", "articles/admin/article_form.css"]},
        )

    @admin.display(description=_("auteurs"))
    def author_names(self, article):
        return names_list(article.authors.all())  # as readers see the byline

    @admin.display(description=_("sur le site"))
    def site_links(self, article):
        if not article.pk:
            return _("Enregistrez l’article pour pouvoir le prévisualiser.")
        preview = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_preview_url(), _("Aperçu")
        )
        if article.is_visible:
            public = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), _("Voir sur le site")
            )
            return format_html("{} · {}", public, preview)
        return format_html("{} — {}", preview, _("pas encore visible par les lecteurs"))

    def view_on_site(self, article):
        # Only what readers can open; the preview link sits in the form itself.
        return article.get_absolute_url() if article.is_visible else None

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not Article.can_publish(request.user):
            readonly.append("is_featured")
            if obj is not None and obj.status in Article.EDITOR_STATUSES:
                # Once public, the date is the editors' to change (the status is never a field).
                readonly += ["published_at"]
        return readonly

    def _suggestions(self, request, obj):
        cache = request.__dict__.setdefault("_article_suggestions", {})
        key = obj.pk if obj else None
        if key not in cache:
            cache[key] = untagged_mentions(obj) if obj is not None else ([], [])
        return cache[key]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(self.base_fieldsets)
        territories, personalities = self._suggestions(request, obj)
        suggestion_fields = []
        if territories:
            suggestion_fields.append("add_suggested_territories")
        if personalities:
            suggestion_fields.append("add_suggested_personalities")
        if suggestion_fields:
            fieldsets.append(
                (
                    _("Suggestions"),
                    {
                        "fields": suggestion_fields,
                        "description": _("Le texte cite ces lieux ou personnes, qui ne sont pas encore indiqués."),
                    },
                )
            )
        if obj is not None:
            fieldsets.append(self.history_fieldset)
        return self.desk_fieldsets(request, obj, fieldsets)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A subclass per request: the user and suggestions must not leak between requests.
        return type(form.__name__, (form,), {"suggestions": self._suggestions(request, obj)})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("authors", [request.user.pk])
        return initial

    def save_model(self, request, obj, form, change):
        if form.proposing:
            return  # a published article: the save is kept as a proposal (save_related)
        if form.cleaned_data.get("mark_as_updated"):
            obj.updated_at = timezone.now()
        obj.save(by=request.user)

    def save_related(self, request, form, formsets, change):
        if form.proposing:
            self.save_proposal(request, form)
            return
        super().save_related(request, form, formsets, change)
        article = form.instance
        article.territories.add(*form.cleaned_data.get("add_suggested_territories", []))
        article.personalities.add(*form.cleaned_data.get("add_suggested_personalities", []))
        if not change and not article.authors.exists():
            article.authors.add(request.user)
        # Every save keeps a version, once the tags, places and people are stored too: the step of
        # the button pressed, taken through the model's operation, or a plain save (DeskWorkflowMixin).
        self.take_step_or_record(request, form, article)

    def _preview_or(self, request, article, response):
        # « Enregistrer et prévisualiser »: see the page as readers will, before publishing.
        if "_preview" in request.POST:
            return HttpResponseRedirect(article.get_preview_url())
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._preview_or(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        if getattr(request, "_article_proposal", None) is not None:
            return self.proposal_response(request, obj)
        return self._preview_or(request, obj, super().response_change(request, obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.proposal_context(request, obj))
        # Shown in the bar of buttons that stays in view (change_form.html).
        context["desk_status"] = status_text(obj) if obj is not None else _("Nouvel article, pas encore enregistré")
        # Other apps' links above the form (articles.admin_tools), « Passer cet article en direct » among them.
        context["article_tools"] = admin_tools.links(request, obj) if obj is not None else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_publish_permission(self, request):
        return Article.can_publish(request.user)

    def _apply_to_each(self, request, articles, operation, singular, plural):
        for article in articles:
            operation(article, by=request.user)
        count = len(articles)
        self.message_user(request, ngettext(singular, plural, count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Publier les articles sélectionnés"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            list(queryset.exclude(status=Article.Status.PUBLISHED)),
            Article.publish,
            "%(count)d article publié.",
            "%(count)d articles publiés.",
        )

    @admin.action(description=_("Dépublier les articles sélectionnés"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            list(queryset.filter(status=Article.Status.PUBLISHED)),
            Article.unpublish,
            "%(count)d article dépublié.",
            "%(count)d articles dépubliés.",
        )


@admin.register(Section)
class SectionAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une rubrique"), _("la rubrique"))
    list_display = ["name", "slug", "menu_position"]
    list_editable = ["menu_position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Territory)
class TerritoryAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un territoire"), _("le territoire"))
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "groupings"]


@admin.register(Personality)
class PersonalityAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une personnalité"), _("la personnalité"))
    list_display = ["name", "role"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["portrait"]

    def has_change_permission(self, request, obj=None):
        # Journalists add people while writing; once a published article names one, it is the editors'.
        if obj is not None and proposals.person_reserved_to_editors(request.user, obj):
            return False
        return super().has_change_permission(request, obj)


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une ancienne adresse"), _("l’ancienne adresse"))
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title", "article__slug"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]


@admin.register(Correction)
class CorrectionAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    """The desk's list of recent rectificatifs and updates, newest first. They are added on the article's form."""

    names = CORRECTION_NAMES
    list_display = ["published_at", "kind", "article_links", "excerpt", "author_name"]
    list_display_links = ["published_at"]
    list_filter = ["kind"]
    search_fields = ["text", "article__title"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-pk"]
    fields = ["article_links", "kind", "text", "published_at", "author_name"]
    readonly_fields = ["article_links", "published_at", "author_name"]
    formfield_overrides = CorrectionInline.formfield_overrides

    def get_queryset(self, request):
        user = get_user_model()
        # What the list shows of the article and the person: never a body, nor an email address.
        shown = [
            *(f.name for f in Correction._meta.concrete_fields),
            *(f"article__{name}" for name in ("title", "slug", "status", "published_at")),
            *(f"created_by__{name}" for name in ("first_name", "last_name", user.USERNAME_FIELD)),
        ]
        return super().get_queryset(request).select_related("article", "created_by").only(*shown)

    def has_add_permission(self, request):
        # On the article's form, which shows what is being corrected and refuses an unpublished article.
        return False

    @admin.display(description=_("article"), ordering="article__title")
    def article_links(self, correction):
        article = correction.article
        form = format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.title
        )
        if not article.is_visible:
            return form
        public = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), _("voir sur le site")
        )
        return format_html("{} · {}", form, public)

    @admin.display(description=_("texte"))
    def excerpt(self, correction):
        return Truncator(correction.text).chars(120)

    @admin.display(description=_("par"), ordering="created_by__last_name")
    def author_name(self, correction):
        return signed_by(correction)


class SubjectAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    """For a subject declared without an admin of its own (``articles.subjects``): found by its
    name, here and in the article form's autocomplete; its address made from it."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


for subject in SUBJECTS:
    if not admin.site.is_registered(subject.model):
        admin.site.register(subject.model, SubjectAdmin)
