"""Date archives: « les archives de mai 2024 », the published articles of a year, a month or a day.

A period is the site's local calendar (an article published at 00:30 in Paris on 1 June is in
June). Its page costs what any list costs at any archive size: the page's ids, then its rows
(``LookaheadPaginator``); the neighbouring periods with articles, and a year's months, ride on
those rows as uncorrelated subqueries (computed once per query, each one short index probe),
so that the page makes no query of its own for them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from .models import Article
from .templatetags.newsroom import french_date

YEAR, MONTH, DAY = "year", "month", "day"


@dataclass(frozen=True)
class Period:
    """A year, a month of a year or a day: what an archive page lists."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        # Refuses what is no date (month 13, 30 February, year 0): those addresses are 404s.
        date(self.year, 1 if self.month is None else self.month, 1 if self.day is None else self.day)
        if self.day is not None and self.month is None:
            raise ValueError("a day needs its month")

    @classmethod
    def of(cls, kind: str, moment: datetime) -> "Period":
        """The period of this kind holding ``moment``, in the site's calendar."""
        local = timezone.localtime(moment)
        return cls(local.year, local.month if kind in (MONTH, DAY) else None, local.day if kind == DAY else None)

    @property
    def kind(self) -> str:
        return DAY if self.day is not None else MONTH if self.month is not None else YEAR

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def day_after(self) -> date:
        """The first day after the period."""
        if self.kind == DAY:
            return self.first_day + timedelta(days=1)
        if self.kind == MONTH:
            return date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return date(self.year + 1, 1, 1)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """From local midnight of its first day to local midnight after its last (the end excluded)."""
        zone = timezone.get_current_timezone()
        return tuple(  # type: ignore[return-value]
            timezone.make_aware(datetime(day.year, day.month, day.day), zone)
            for day in (self.first_day, self.day_after)
        )

    @property
    def parent(self) -> "Period | None":
        """The month of a day, the year of a month."""
        if self.kind == DAY:
            return Period(self.year, self.month)
        if self.kind == MONTH:
            return Period(self.year)
        return None

    @property
    def ancestors(self) -> list["Period"]:
        """The periods holding it, the year first: a day's year and month, a month's year."""
        return [*self.parent.ancestors, self.parent] if self.parent else []

    def months(self) -> list["Period"]:
        """A year's twelve months."""
        return [Period(self.year, month) for month in range(1, 13)]

    @property
    def name(self) -> str:
        """« 2024 », « mai 2024 », « 14 mai 2024 »."""
        if self.kind == DAY:
            return french_date(datetime(self.year, self.month, self.day))
        if self.kind == MONTH:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    @property
    def during(self) -> str:
        """« en 2024 », « en mai 2024 », « le 14 mai 2024 »."""
        if self.kind == DAY:
            return _("le %(date)s") % {"date": self.name}
        return _("en %(period)s") % {"period": self.name}

    @property
    def title(self) -> str:
        """« Archives de 2024 », « Archives de mai 2024 », « Archives du 14 mai 2024 »."""
        if self.kind == DAY:
            return _("Archives du %(date)s") % {"date": self.name}
        return _("Archives de %(period)s") % {"period": self.name}

    def get_absolute_url(self) -> str:
        args = [f"{self.year:04d}"]
        if self.month is not None:
            args.append(f"{self.month:02d}")
        if self.day is not None:
            args.append(f"{self.day:02d}")
        return reverse(f"articles:archive_{self.kind}", args=args)


def period_or_none(year, month=None, day=None) -> Period | None:
    """The period these numbers (ints, or digits as in an address) name, or None if no date does."""
    try:
        period = Period(int(year), int(month) if month is not None else None, int(day) if day is not None else None)
        period.bounds  # noqa: B018 (a year near 1 or 9999 falls outside what dates can hold in UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return period


def archive_url(year, month=None, day=None) -> str | None:
    """The address of the archive page of a year, a month or a day (ints, or digits as in an
    address: ``archive_url("2024", "05")``), or None when they name no date (month 13, year 0).

    For old addresses (WordPress's ``/2024/05/``): the page answers 404 when the period has no
    published article, as any archive page does.
    """
    period = period_or_none(year, month, day)
    return period.get_absolute_url() if period is not None else None


class Digits:
    """An address converter: exactly ``length`` digits, « 2024 », « 05 » — one address per
    period (``/archives/2024/5/`` is no address)."""

    length = 0

    def __init__(self):
        self.regex = f"[0-9]{{{self.length}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):0{self.length}d}"


class FourDigits(Digits):
    length = 4


class TwoDigits(Digits):
    length = 2


# Queries ------------------------------------------------------------------------------------


def articles_in(period: Period):
    """The published articles of the period, newest first, as lists show them, with what the page
    needs besides on each row: ``previous_at``, ``next_at`` (the nearest published article before
    and after the period) and, for a year, ``has_month_<n>`` — each an uncorrelated subquery,
    computed once for the whole query and walking ``article_published_idx`` for one row."""
    published = Article.objects.published()
    start, end = period.bounds
    dates = published.order_by().values("published_at")
    extra = {
        "previous_at": Subquery(dates.filter(published_at__lt=start).order_by("-published_at")[:1]),
        "next_at": Subquery(dates.filter(published_at__gte=end).order_by("published_at")[:1]),
    }
    if period.kind == YEAR:
        for month in period.months():
            month_start, month_end = month.bounds
            # Not tied to the row (no OuterRef): one probe per month for the whole query.
            extra[f"has_month_{month.month}"] = Exists(
                published.filter(published_at__gte=month_start, published_at__lt=month_end)
            )
    return published.for_listing().filter(published_at__gte=start, published_at__lt=end).annotate(**extra)


@dataclass(frozen=True)
class Surroundings:
    """What an archive page links to besides its articles."""

    previous: Period | None
    next: Period | None
    months: list[Period]  # a year's months with articles, in calendar order; empty otherwise


def surroundings(period: Period, row) -> Surroundings:
    """Read from any row of ``articles_in(period)`` (all carry the same values)."""
    previous = Period.of(period.kind, row.previous_at) if row.previous_at else None
    following = Period.of(period.kind, row.next_at) if row.next_at else None
    months = (
        [month for month in period.months() if getattr(row, f"has_month_{month.month}")] if period.kind == YEAR else []
    )
    return Surroundings(previous, following, months)
