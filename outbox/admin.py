"""The outbox in the admin: what waits, what went, what failed and why, and « Renvoyer »."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import ngettext

from .models import Mail
from .tasks import retry


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "recipient_list", "status", "attempts", "created_at", "sent_at", "short_error"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "kind",
        "recipients",
        "from_email",
        "subject",
        "body",
        "headers",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    fields = readonly_fields
    list_per_page = 50

    @admin.display(description="destinataires")
    def recipient_list(self, mail):
        return ", ".join(mail.recipients)

    @admin.display(description="erreur")
    def short_error(self, mail):
        return mail.last_error[:120] if mail.status != Mail.Status.SENT else ""

    def has_add_permission(self, request):
        return False  # mails are asked for by what happens on the site, never typed here

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        counts = dict(Mail.objects.values_list("status").annotate(n=Count("pk")).order_by())
        summary = [(label, counts.get(value, 0)) for value, label in Mail.Status.choices]
        return super().changelist_view(request, {**(extra_context or {}), "outbox_summary": summary})

    @admin.action(description="Renvoyer les courriels sélectionnés", permissions=["change"])
    def send_again(self, request, queryset):
        count = retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d courriel sera renvoyé dans un instant.",
                "%(count)d courriels seront renvoyés dans un instant.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
