from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        import pagecache

        from . import signals  # noqa: F401
        from .views import AUTHOR_COOKIE, HELD_COOKIE

        # A reader's own held comments and saved details: their pages are theirs alone.
        pagecache.register_personal_cookies(HELD_COOKIE, AUTHOR_COOKIE)
