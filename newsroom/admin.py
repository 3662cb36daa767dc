"""The newsroom's admin site: in French, with the moderation queue on its front page."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class NewsroomAdminSite(admin.AdminSite):
    site_title = _("Rédaction")
    index_title = _("Tableau de bord")

    @property
    def site_header(self):
        return _("%(site)s — rédaction") % {"site": settings.SITE_NAME}

    def index(self, request, extra_context=None):
        from comments.models import Comment

        extra_context = extra_context or {}
        if Comment.can_moderate(request.user):
            extra_context["pending_comment_count"] = Comment.objects.pending().count()
        return super().index(request, extra_context)
