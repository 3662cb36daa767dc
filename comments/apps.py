from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Commentaires")

    def ready(self):
        import pagecache
        from articles import page_parts

        # personal_data: a commenter's comments in a person's data request (common.personal_data).
        from . import demo, personal_data, signals  # noqa: F401
        from .page_part import AUTHOR_COOKIE, HELD_COOKIE, CommentThreadPart

        # A reader's own held comments and saved details: their pages are theirs alone.
        pagecache.register_personal_cookies(HELD_COOKIE, AUTHOR_COOKIE)
        # The thread and its form below every article: articles never imports comments.
        page_parts.register(CommentThreadPart())
