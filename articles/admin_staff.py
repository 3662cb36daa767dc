"""Staff accounts in the admin: Django's own user pages, plus lifting a sign-in lock (common.login)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.login import unlock

User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffAdmin(UserAdmin):
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Débloquer la connexion (après trop de mots de passe erronés)"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            unlock(user.get_username())
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "La connexion de %(count)d compte est débloquée.",
                "La connexion de %(count)d comptes est débloquée.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
