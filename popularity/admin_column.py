"""Each article's readings in the desk's list of articles: last 24 hours and in all, for a page in one query."""

from django.db.models import Q, Sum
from django.utils.html import format_html
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


# On three lines: the desk's list must fit a laptop's screen without squeezing the titles.
READINGS_COLUMN = ChangelistColumn(
    "readings", format_html("{}<br>{}<br>{}", _("lus"), _("24 h"), _("/ total")), readings, empty="0 / 0"
)
