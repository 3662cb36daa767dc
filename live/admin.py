"""Lives in the admin: the list of lives, and each live's page, which is its journalists' desk (``admin_desk``)."""

from functools import partial

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles import admin_tools
from common.admin_titles import FrenchTitlesMixin, Names

from . import admin_desk
from .models import LiveCoverage


@admin.register(LiveCoverage)
class LiveCoverageAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un direct"), _("le direct"))
    list_display = ["article", "state", "started_at", "entry_count"]
    list_select_related = ["article"]
    search_fields = ["article__title"]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(shown_entries=Count("entries", filter=Q(entries__withdrawn_at__isnull=True)))
        )

    @admin.display(description=_("état"), ordering="ended_at")
    def state(self, coverage):
        return _("En cours") if coverage.is_ongoing else _("Terminé")

    @admin.display(description=_("entrées"), ordering="shown_entries")
    def entry_count(self, coverage):
        return coverage.shown_entries

    # A live is started from its article's page (« Passer cet article en direct »), and never deleted
    # from here: its entries stay for the record, withdrawn ones included.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The live's page is its desk: what journalists change here are entries, one at a time.
        return admin_desk.desk_page(request, self, object_id)

    def get_urls(self):
        def view(function, *, post_only=True):
            # The desk's views take this admin: its site's context and its messages; admin_view keeps
            # them for staff and never cached.
            function = partial(function, model_admin=self)
            return self.admin_site.admin_view(require_POST(function) if post_only else function)

        return [
            path(
                "demarrer/<int:article_id>/",
                view(admin_desk.start_live, post_only=False),
                name="live_livecoverage_start",
            ),
            path("<int:object_id>/publier/", view(admin_desk.post_entry), name="live_livecoverage_post"),
            path("<int:object_id>/terminer/", view(admin_desk.end_live), name="live_livecoverage_end"),
            path(
                "<int:object_id>/entrees/<int:entry_id>/corriger/",
                view(admin_desk.correct_entry),
                name="live_livecoverage_correct",
            ),
            path(
                "<int:object_id>/entrees/<int:entry_id>/retirer/",
                view(admin_desk.withdraw_entry),
                name="live_livecoverage_withdraw",
            ),
            path(
                "<int:object_id>/entrees/<int:entry_id>/<slug:action>/",
                view(admin_desk.flag_entry),
                name="live_livecoverage_flag",
            ),
            *super().get_urls(),
        ]


# « Passer cet article en direct » on the article's admin page, registered with the admin itself
# (autodiscovered, as the ModelAdmin above): articles never imports live.
admin_tools.register("live", admin_desk.live_link)
