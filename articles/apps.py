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
        from . import subject_dates  # noqa: F401
        from . import notifications  # noqa: F401
        from images import change_rules
        from .proposals import image_reserved_to_editors
        from .subjects import SUBJECTS

        self.subjects = SUBJECTS
        post_migrate.connect(self.fill_subject_dates, sender=self)

        # Once readers see an image, its alt text, caption and credit are the editors' to change.
        change_rules.register(image_reserved_to_editors)

    @staticmethod
    def fill_subject_dates(plan=None, using="default", **kwargs):
        """Find every subject's latest publication when the table that keeps them has just been made.

        Not in migration 0019 itself: the subjects' filters are today's code and need today's
        tables, which exist only once every migration has run. From then on the receivers of
        ``articles.subject_dates`` keep the dates.
        """
        if any(
            migration.app_label == "articles" and migration.name == "0019_subject_dates" and not backwards
            for migration, backwards in plan or ()
        ):
            from django.db import transaction

            from .subject_dates import recompute_all

            with transaction.atomic(using=using):
                recompute_all()
