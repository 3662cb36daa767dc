"""The article admin's history and its guard against lost updates.

- ``ArticleConcurrencyForm``: the article form remembers the version it was opened on; a save
  over somebody else's newer version is refused with what they changed, and two deliberate
  ways out (« Fusionner », « Écraser leurs modifications »).
- ``ArticleHistoryAdminMixin``: the « Historique » page (versions, comparison, restore), the
  lock taken on the article's row while a form is saved, and the presence of the others who
  have the form open (articles/presence.py).
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.utils import edit_string_for_tags

from common.inputs import plain_number

from . import presence, proposals
from .history import FieldChange, author_name, changed_labels, compare, field_change, field_label, restore
from .models import Article, ArticleRevision
from .people import joined
from .proposals import proposed_fields
from .revisions import Kept, fingerprints, kept_as, snapshot, three_way, tracked_fields


@dataclass
class Conflict:
    """Somebody saved the article since this form was opened: what the form shows instead of saving."""

    message: str
    latest_number: int
    changes: list[FieldChange]  # their changes, as a comparison
    both: list[str]  # names of the fields both changed
    compare_url: str = ""


@dataclass
class Merge:
    """A merged form, shown for review before it is saved."""

    message: str
    taken: list[str] = field(default_factory=list)  # labels of fields taken from their version
    kept: list[str] = field(default_factory=list)  # labels of fields kept from mine
    both: list[FieldChange] = field(default_factory=list)  # mine kept; theirs shown


def _when(moment: datetime) -> str:
    # « à 10 h 45 » today, « le 28 novembre 2026 à 10 h 45 » another day.
    if timezone.localtime(moment).date() == timezone.localdate():
        return _("à %(time)s") % {"time": presence.moment(moment)}
    return presence.moment(moment)


class ArticleConcurrencyForm(forms.Form):
    """Base of the article form: the version it was opened on travels with it (hidden fields),
    and a save that would overwrite a newer version is refused (``_post_clean``)."""

    # The number of the latest version when the form was opened (0: none yet).
    base_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    # What each field meant then (revisions.fingerprints), to tell who changed what since.
    base_state = forms.CharField(required=False, widget=forms.HiddenInput)
    # The latest version the conflict message showed: what « Écraser » and « Fusionner » act on.
    seen_revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    conflict: Conflict | None = None
    merge: Merge | None = None
    # Set per request by the admin (ArticleAdmin.get_form): whether this save is held as a
    # proposal (articles/proposals.py), and the pending proposal the form then starts from.
    proposing = False
    proposal: ArticleRevision | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            # Who proposes works on the proposals too: a colleague's pending one is « a newer version ».
            self.initial["base_revision"] = ArticleRevision.objects.latest_number(
                self.instance, proposals=self.proposing
            )
            shown = snapshot(self.instance)
            if self.proposal is not None:
                # The journalist goes on from the changes waiting for the editors, not from the published text.
                shown = {**shown, **{name: self.proposal.content.get(name) for name in proposed_fields()}}
                for name in proposed_fields():
                    if name in self.fields:
                        self.initial[name] = self._initial_value(name, shown[name])
            self.initial["base_state"] = json.dumps(fingerprints(shown))

    @staticmethod
    def _initial_value(name: str, value):
        """A snapshot value as a form field's initial value."""
        kind = kept_as(name)
        if kind == Kept.MANY:
            return [pair[0] for pair in value or []]
        if kind == Kept.ONE:
            return value[0] if value else None
        if kind == Kept.NAMES:
            return edit_string_for_tags([SimpleNamespace(name=tag) for tag in value or []])
        return value

    def _versions(self):
        """The versions a save here is checked against: proposals count only for who proposes."""
        versions = ArticleRevision.objects.filter(article=self.instance)
        return versions if self.proposing else versions.applied()

    def _tracked_in_form(self) -> list[str]:
        return [name for name in tracked_fields() if name in self.fields]

    def _post_clean(self):
        super()._post_clean()
        # Checked last, on a valid form, inside the admin's transaction, after the article's row
        # was locked (ArticleHistoryAdminMixin.get_object): two saves on the same version cannot
        # both pass. A POST without the field (a script, an older page) is not checked.
        if self.instance.pk is None or self.errors or "base_revision" not in self.data:
            return
        base = self.cleaned_data.get("base_revision") or 0
        latest = self._versions().select_related("created_by").order_by("-number").first()
        if latest is None or latest.number <= base:
            return
        seen = self.cleaned_data.get("seen_revision")
        if "_overwrite" in self.data and seen == latest.number:
            return  # they saw the other version and chose to save theirs over it
        names = self._tracked_in_form()
        related = {name: self.cleaned_data[name] for name in names if kept_as(name) in (Kept.MANY, Kept.NAMES)}
        mine, theirs = snapshot(self.instance, related), latest.content
        try:
            base_prints = json.loads(self.cleaned_data.get("base_state") or "{}")
        except ValueError:
            base_prints = {}
        if not isinstance(base_prints, dict):  # a forged field: compare by versions only
            base_prints = {}
        if base_prints and fingerprints(theirs) == base_prints:
            return  # saved meanwhile without changing anything: nothing of theirs to lose
        if "_merge" in self.data and seen == latest.number:
            self._merge(latest, base_prints, mine, theirs, names)
        else:
            self._refuse(latest, base, base_prints, mine, theirs, names)

    def _refuse(self, latest, base, base_prints, mine, theirs, names):
        newer = list(self._versions().filter(number__gt=base).select_related("created_by").order_by("number"))
        people = list(dict.fromkeys(author_name(revision) for revision in newer))
        if base_prints:
            their_prints = fingerprints(theirs)
            theirs_changed = [name for name in tracked_fields() if their_prints[name] != base_prints.get(name)]
        else:
            theirs_changed = [name for name in tracked_fields() if any(name in r.changed_fields for r in newer)]
        base_revision = ArticleRevision.objects.filter(article=self.instance, number=base).first() if base else None
        labels = [str(field_label(name)).lower() for name in theirs_changed]
        message = ngettext(
            "%(people)s a enregistré cet article %(when)s",
            "%(people)s ont enregistré cet article %(when)s",
            len(people),
        ) % {"people": joined(people), "when": _when(latest.created_at)}
        if labels:
            message += " : " + ngettext("%(fields)s modifié", "%(fields)s modifiés", len(labels)) % {
                "fields": ", ".join(labels)
            }
        _theirs, _mine, both = three_way(base_prints, mine, theirs, names)
        # What they changed, from the version this form was opened on when it is known,
        # otherwise how their version differs from what this form holds.
        before = base_revision.content if base_revision else mine
        changes = [field_change(name, before.get(name), theirs.get(name)) for name in theirs_changed]
        self.conflict = Conflict(
            message=message + ".",
            latest_number=latest.number,
            changes=changes,
            both=both,
            compare_url=(
                reverse("admin:articles_article_compare", args=[self.instance.pk])
                + f"?avant={base}&apres={latest.number}"
            )
            if base_revision
            else "",
        )
        self._replace_data({"seen_revision": str(latest.number)})
        self.add_error(None, ValidationError(self.conflict.message, code="conflict"))

    def _merge(self, latest, base_prints, mine, theirs, names):
        only_theirs, only_mine, both = three_way(base_prints, mine, theirs, names)
        data = {
            "base_revision": str(latest.number),
            "base_state": json.dumps(fingerprints(theirs)),
            "seen_revision": "",
        }
        for name in only_theirs:
            data.update(self._form_data(name, theirs.get(name)))
        self._replace_data(data)
        who = author_name(latest)
        self.merge = Merge(
            message=_(
                "Fusion faite avec la version %(number)d (%(who)s). Rien n’est encore enregistré : "
                "relisez, puis enregistrez."
            )
            % {"number": latest.number, "who": who},
            taken=[field_label(name) for name in only_theirs],
            kept=[field_label(name) for name in only_mine],
            both=[field_change(name, mine.get(name), theirs.get(name)) for name in both],
        )
        # Not saved yet: the merged text is shown for review (see README, « No lost update »).
        self.add_error(None, ValidationError(self.merge.message, code="merged"))

    def _replace_data(self, values: dict) -> None:
        # The form is shown again from its data: change it there (a copy: the POST is immutable).
        data = self.data.copy()
        for name, value in values.items():
            if value is None:
                data.pop(name, None)
            elif isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
        self.data = data

    def _form_data(self, name: str, value) -> dict:
        """A snapshot value as this form's widget posts it."""
        html_name = self[name].html_name
        kind = kept_as(name)
        if kind == Kept.MANY:
            return {html_name: [str(pair[0]) for pair in value or []]}
        if kind == Kept.ONE:
            return {html_name: str(value[0]) if value else ""}
        if kind == Kept.NAMES:
            return {html_name: edit_string_for_tags([SimpleNamespace(name=tag) for tag in value or []])}
        if kind == Kept.DATE:
            local = timezone.localtime(datetime.fromisoformat(value)) if value else None
            return {
                f"{html_name}_0": formats.localize_input(local.date()) if local else "",
                f"{html_name}_1": local.strftime("%H:%M:%S") if local else "",
            }
        if isinstance(self.fields[name], forms.BooleanField):
            return {html_name: "on" if value else None}
        return {html_name: value or ""}


class ArticleHistoryAdminMixin:
    """History, comparison, restore, row lock and presence for ArticleAdmin."""

    object_history_template = "admin/articles/article/object_history.html"
    compare_template = "admin/articles/article/compare.html"
    revisions_per_page = 50

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/compare/", wrap(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/history/<int:number>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            path("<path:object_id>/presence/", wrap(self.presence_view), name="articles_article_presence"),
            *super().get_urls(),
        ]

    # The row lock: no two saves of the same version --------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST" and from_field is None and connection.in_atomic_block:
            # Lock before reading, so that the form is checked and saved against the row as the
            # previous save left it: a second save of the same version waits here, then sees the
            # first one's version and is refused. (SQLite has no row locks: it writes one at a time.)
            try:
                pk = Article._meta.pk.to_python(object_id)
            except ValidationError:
                pk = None
            if pk is not None:
                list(Article.objects.select_for_update().filter(pk=pk).values_list("pk"))
        return super().get_object(request, object_id, from_field)

    # The form: presence, conflict and merge panels ---------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None and change and self.has_change_permission(request, obj):
            page = presence.new_page_token()
            presence.arrive(obj.pk, request.user, page)
            context.update(
                presence_others=presence.others(obj.pk, request.user),
                presence_page=page,
                presence_url=reverse("admin:articles_article_presence", args=[obj.pk]),
                presence_heartbeat_seconds=presence.HEARTBEAT_SECONDS,
            )
        if getattr(form, "conflict", None) or getattr(form, "merge", None):
            # The panel at the top says it all; no generic « correct the errors » note.
            context["errors"] = []
        return super().render_change_form(request, context, add, change, form_url, obj)

    # History, comparison, restore ----------------------------------------------------------------

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404(_("Cet article n’existe pas ou plus."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _page_context(self, request, article, title: str) -> dict:
        request.current_app = self.admin_site.name
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": article.title,
            "opts": self.opts,
            "object": article,
            "article": article,
            "has_change_permission": self.has_change_permission(request, article),
        }

    def history_view(self, request, object_id, extra_context=None):
        """The article's versions, newest first: pick two to compare, restore one."""
        article = self._article_or_404(request, object_id)
        revisions = article.revisions.select_related("created_by").defer("content")
        page = Paginator(revisions, self.revisions_per_page).get_page(request.GET.get("p"))
        latest = ArticleRevision.objects.latest_number(article)
        rows = [
            {
                "revision": revision,
                "by": author_name(revision),
                # A first version changed « everything »: saying so reads better than every label.
                "changed": changed_labels(revision) if revision.number > 1 else [_("première version")],
                "is_latest": revision.number == latest,
            }
            for revision in page
        ]
        context = self._page_context(request, article, _("Historique de l’article"))
        context.update(
            rows=rows,
            page=page,
            latest_number=latest,
            compare_url=reverse("admin:articles_article_compare", args=[article.pk]),
            **(extra_context or {}),
        )
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        """Two versions of the article, what changed from the older to the newer."""
        article = self._article_or_404(request, object_id)
        chosen = [plain_number(request.GET.get(name)) for name in ("avant", "apres")]
        if None in chosen:
            messages.warning(request, _("Choisissez deux versions à comparer."))
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        numbers = sorted(set(chosen))
        found = {r.number: r for r in article.revisions.filter(number__in=numbers).select_related("created_by")}
        if len(found) != len(numbers):
            raise Http404(_("Cette version n’existe pas."))
        before, after = found[numbers[0]], found[numbers[-1]]
        changes, same = compare(before.content, after.content)
        context = self._page_context(
            request,
            article,
            _("Versions %(before)d et %(after)d comparées") % {"before": before.number, "after": after.number},
        )
        context.update(
            before=before,
            after=after,
            before_by=author_name(before),
            after_by=author_name(after),
            changes=changes,
            same=same,
            history_url=reverse("admin:articles_article_history", args=[article.pk]),
        )
        return TemplateResponse(request, self.compare_template, context)

    def restore_view(self, request, object_id, number):
        """Bring back a version's content as a new version (POST from the history page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = get_object_or_404(ArticleRevision, article=article, number=number)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if proposals.held_for_editors(request.user, article):
            proposal = proposals.propose_version(article, revision, request.user)
            messages.success(
                request,
                _(
                    "Version %(old)d proposée à la rédaction en chef (version %(new)d) : "
                    "les lecteurs voient toujours la version publiée."
                )
                % {"old": revision.number, "new": proposal.number},
            )
            return HttpResponseRedirect(change_url)
        try:
            new_revision, notes = restore(article, revision, by=request.user)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(change_url)
        messages.success(
            request,
            _("Version %(old)d restaurée : elle devient la version %(new)d.")
            % {"old": revision.number, "new": new_revision.number},
        )
        for note in notes:
            messages.warning(request, note)
        return HttpResponseRedirect(change_url)

    # Presence ------------------------------------------------------------------------------------

    def presence_view(self, request, object_id):
        """The form's heartbeat: « I am still here » (or « I left »), answered with who else is."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        page = request.POST.get("page", "")[:40]
        if request.POST.get("action") == "leave":
            presence.leave(article.pk, request.user, page)
        else:
            presence.arrive(article.pk, request.user, page)
        others = presence.others(article.pk, request.user)
        response = JsonResponse(
            {
                "others": [
                    {"name": person.name, "since": person.since.isoformat(), "message": person.message}
                    for person in others
                ],
                # A journalist's proposal made while an editor has the form open (admin_proposals).
                "proposal": self.proposal_notice(request, article),
            }
        )
        response["Cache-Control"] = "private, no-store"
        return response
