"""Each article's readings in the desk's list of articles: last 24 hours and in all, for a page in one query."""

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from articles.admin_columns import ChangelistColumn

from .models import ArticleReadings
from .most_read import WINDOW


def readings(ids: list[int]) -> dict[int, str]:
    since = ArticleReadings.last_hours_start(WINDOW)
    rows = (
        ArticleReadings.objects.filter(article_id__in=ids)
        .values("article_id")
        .annotate(recent=Sum("count", filter=Q(hour__gte=since), default=0), total=Sum("count"))
    )
    return {row["article_id"]: f"{row['recent']} / {row['total']}" for row in rows}


READINGS_COLUMN = ChangelistColumn("readings", _("lectures (24 h / total)"), readings, empty="0 / 0")
