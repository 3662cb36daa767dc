"""The newsroom's admin site, in French. Its front page shows the moderation queue (templates/admin/index.html);
its own page answers a person's data request for every app (newsroom/personal_data_views.py)."""

from functools import partial

from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from common.login import ThrottledLoginForm

from .personal_data_views import personal_data_view


class NewsroomAdminSite(admin.AdminSite):
    site_title = _("Rédaction")
    login_form = ThrottledLoginForm
    index_title = _("Tableau de bord")

    @property
    def site_header(self):
        return _("%(site)s — rédaction") % {"site": settings.SITE_NAME}

    def get_urls(self):
        # admin_view: staff only, never cached, CSRF-protected — the page answers for every app.
        view = self.admin_view(partial(personal_data_view, admin_site=self))
        return [path("donnees-personnelles/", view, name="personal_data"), *super().get_urls()]
