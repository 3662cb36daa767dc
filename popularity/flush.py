"""Copying the hours' totals from Redis into ``ArticleReadings``: ``manage.py flush_readings``.

Redis holds each hour's running total per article, which only grows; a row is *raised* to it,
never added to nor lowered. So a flush run twice, two flushes at once, or one killed half-way
and run again write the same rows: no reading is lost or counted twice, and nothing has to be
taken out of Redis atomically first. Totals stay in Redis for ``counting.TOTALS_SECONDS``.
"""

from django.db import connection, transaction

from articles.models import Article

from . import counting
from .models import ArticleReadings

DEFAULT_HOURS = 3


def flush_readings(hours: int = DEFAULT_HOURS, now: float | None = None) -> int:
    """Copy the totals of the current hour and the ``hours - 1`` before it; how many rows were raised."""
    return raise_rows(read_totals(hours, now))


def read_totals(hours: int = DEFAULT_HOURS, now: float | None = None) -> list[tuple[int, int, int]]:
    """(hour, article id, total) of the hours asked, from Redis in one round trip; nothing without Redis
    (readings are then counted in the database directly)."""
    client = counting.redis_client()
    if client is None:
        return []
    last = counting.current_hour(now)
    hours_read = range(last - hours + 1, last + 1)
    pipeline = client.pipeline(transaction=False)
    for hour in hours_read:
        pipeline.hgetall(counting.redis_key(counting.totals_key(hour)))
    return [
        (hour, int(article_id), int(total))
        for hour, totals in zip(hours_read, pipeline.execute(), strict=True)
        for article_id, total in totals.items()
    ]


def raise_rows(totals: list[tuple[int, int, int]]) -> int:
    """Raise each (article, hour) row to its total, never lowering one; how many rows changed."""
    if not totals:
        return 0
    table, articles = ArticleReadings._meta.db_table, Article._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    rows = [(adapt(counting.hour_start(hour)), total, article_id) for hour, article_id, total in totals]
    with transaction.atomic(), connection.cursor() as cursor:
        # From the article's row: a beacon for an id of no article (or of one deleted since) is dropped.
        cursor.executemany(
            f"INSERT INTO {table} (article_id, hour, count) SELECT id, %s, %s FROM {articles} WHERE id = %s "
            f"ON CONFLICT (article_id, hour) DO UPDATE SET count = excluded.count WHERE {table}.count < excluded.count",
            rows,
        )
        return max(cursor.rowcount, 0)
