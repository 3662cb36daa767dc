from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Rédaction")
    # The subjects' declarations (``articles.subjects.SUBJECTS``), for the code below them that
    # loops over them — the article page's data query, the versions — and cannot import the
    # module that imports it.
    subjects: tuple = ()

    def ready(self):
        # signals first: it rebuilds the territories' containers, which the page-cache receivers then read.
        from . import signals  # noqa: F401, I001
        from . import caching  # noqa: F401
        from . import demo_frontpage, frontpage  # noqa: F401
        from . import subject_dates
        from . import notifications  # noqa: F401
        from documents import visibility
        from images import change_rules
        from .models.articles import document_shown_by_article
        from .proposals import image_reserved_to_editors
        from .subjects import SUBJECTS

        self.subjects = SUBJECTS
        post_migrate.connect(subject_dates.fill_after_migrate, sender=self)

        # Once readers see an image, its alt text, caption and credit are the editors' to change.
        change_rules.register(image_reserved_to_editors)

        # A document of the library reaches readers with the first published article that shows it.
        visibility.register(document_shown_by_article)
