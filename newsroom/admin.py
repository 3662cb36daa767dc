"""The newsroom's admin site, in French. Its front page shows the moderation queue (templates/admin/index.html)."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.login import ThrottledLoginForm


class NewsroomAdminSite(admin.AdminSite):
    site_title = _("Rédaction")
    login_form = ThrottledLoginForm
    index_title = _("Tableau de bord")

    @property
    def site_header(self):
        return _("%(site)s — rédaction") % {"site": settings.SITE_NAME}
