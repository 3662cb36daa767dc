"""The demo's readings, added by ``manage.py load_demo`` once its articles exist (articles never imports popularity):
a day of invented readings, so that « Les plus lus » shows on a fresh ``make run``."""

from datetime import timedelta

from django.dispatch import receiver

from articles import demo_content
from articles.models import Article

from . import most_read
from .models import ArticleReadings

# Readings an hour of the demo's latest articles, the most read first.
HOURLY_READINGS = [120, 95, 70, 52, 40, 31, 22, 15]


@receiver(demo_content.demo_articles_loaded)
def load_demo_readings(sender, report, **kwargs) -> None:
    """Readings for the last 24 hours, once: hours that already have a row are left as counted."""
    start = ArticleReadings.last_hours_start(most_read.WINDOW)
    articles = Article.objects.published().order_by("-published_at", "-pk")[: len(HOURLY_READINGS)]
    rows = [
        ArticleReadings(article=article, hour=start + timedelta(hours=hour), count=per_hour - hour % 5)
        for article, per_hour in zip(articles, HOURLY_READINGS, strict=False)
        for hour in range(24)
    ]
    before = ArticleReadings.objects.count()
    ArticleReadings.objects.bulk_create(rows, ignore_conflicts=True)
    created = ArticleReadings.objects.count() - before
    report("Lectures par heure (« Les plus lus »)", created, len(rows))
    most_read.refresh()
