"""Local times typed in forms, across the night the clocks go back.

From 2:00 to 3:00 on the last Sunday of October, Paris shows every minute twice. Django's form
fields refuse such a time as « ambiguous » — even the one the form itself displays for an
article published in that hour, so that article could no longer be saved. Here the time is taken
as its first occurrence (summer time), and a form that shows a stored instant keeps it as it was
when the time sent back is the one it displayed (``unchanged_instant``). A time that does not
exist (the hour skipped in March) is still refused.
"""

from datetime import UTC, datetime

from django import forms
from django.utils import timezone


def _occurs(naive: datetime, fold: int, zone) -> bool:
    aware = naive.replace(tzinfo=zone, fold=fold)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def twice_shown(naive: datetime, zone=None) -> bool:
    """Whether the clocks show this local time twice in ``zone`` (the current time zone)."""
    zone = zone or timezone.get_current_timezone()
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    return first.utcoffset() != second.utcoffset() and _occurs(naive, 0, zone) and _occurs(naive, 1, zone)


class SplitDateTimeAcrossClockChanges(forms.SplitDateTimeField):
    """The admin's date and time, taking a local time shown twice as its first occurrence."""

    def compress(self, data_list):
        if data_list and all(data_list) and twice_shown(datetime.combine(*data_list)):
            return datetime.combine(*data_list).replace(tzinfo=timezone.get_current_timezone(), fold=0)
        return super().compress(data_list)


def unchanged_instant(sent: datetime | None, stored: datetime | None) -> datetime | None:
    """The stored instant when ``sent`` shows the same local time (the form displayed it), else ``sent``."""
    if sent is None or stored is None:
        return sent
    shown = timezone.localtime(stored).replace(tzinfo=None, fold=0)
    return stored if timezone.localtime(sent).replace(tzinfo=None, fold=0) == shown else sent
