"""« Alertes info » in the admin: editors put one up, see the one shown above the list and take it
down in one click; the list below is the history of every alert."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from articles.people import public_name
from common.admin_titles import FrenchTitlesMixin, Names

from .models import Alert, alert_changed


@admin.register(Alert)
class AlertAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une alerte info"), _("l’alerte info"))
    list_display = ["text", "status", "starts_at", "expires_at", "created_by_name", "removed"]
    list_select_related = ["created_by", "removed_by"]
    search_fields = ["text"]
    fields = ["text", "link", "expires_at"]
    actions = ["put_up_again"]
    date_hierarchy = "starts_at"

    def has_change_permission(self, request, obj=None):
        # Only the alert readers see may be corrected; past ones are history, shown read-only.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_shown)

    def has_delete_permission(self, request, obj=None):
        return False  # the history stays; « Retirer l’alerte » takes one off the site

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            alert_changed.send(sender=Alert, withdrawn=False)  # its text or end corrected: pages show the new one
        else:
            obj.put_up(by=request.user)  # and the previous one, if any, comes down

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("L’alerte est en ligne sur toutes les pages du site."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:alerts_alert_changelist"))

    @admin.display(description=_("état"))
    def status(self, alert):
        return alert.status

    @admin.display(description=_("créée par"), ordering="created_by__last_name")
    def created_by_name(self, alert):
        return public_name(alert.created_by) if alert.created_by else "—"

    @admin.display(description=_("retirée"), ordering="removed_at")
    def removed(self, alert):
        if alert.removed_at is None:
            return "—"
        when = date_format(timezone.localtime(alert.removed_at), "SHORT_DATETIME_FORMAT")
        return f"{when} ({public_name(alert.removed_by)})" if alert.removed_by else when

    # The current alert, above the list, with its one-click button ------------------------------

    def changelist_view(self, request, extra_context=None):
        current = Alert.objects.shown().select_related("created_by").first()
        context = {
            "current_alert": current,
            "may_take_down": current is not None and self.has_change_permission(request, current),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/retirer/", wrap(self.take_down_view), name="alerts_alert_take_down"),
            *super().get_urls(),
        ]

    def take_down_view(self, request, object_id):
        """« Retirer l’alerte »: a POST from the list (CSRF-checked by the admin), no confirmation page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        alert = get_object_or_404(Alert, pk=object_id)
        if not super().has_change_permission(request, alert):
            raise PermissionDenied
        if alert.is_current:
            alert.take_down(by=request.user)
            self.message_user(request, _("L’alerte est retirée de toutes les pages du site."), messages.SUCCESS)
        else:
            self.message_user(request, _("Cette alerte n’était plus en ligne."), messages.INFO)
        return HttpResponseRedirect(reverse("admin:alerts_alert_changelist"))

    @admin.action(description=_("Mettre en ligne l’alerte choisie"), permissions=["put_up"])
    def put_up_again(self, request, queryset):
        """The demo's prepared alert, or a past one, put up again for as long as it lasted."""
        alerts = list(queryset[:2])
        if len(alerts) != 1:
            self.message_user(
                request, _("Choisissez une seule alerte : une seule est en ligne à la fois."), messages.ERROR
            )
            return
        alerts[0].put_up(by=request.user)
        self.message_user(request, _("L’alerte est en ligne sur toutes les pages du site."), messages.SUCCESS)

    def has_put_up_permission(self, request):
        return super().has_change_permission(request)
