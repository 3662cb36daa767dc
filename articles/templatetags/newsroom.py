"""Small presentation helpers for reader pages, in French typography."""

from collections.abc import Callable
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.body import uses_element_styles
from articles.models import Correction
from articles.people import credited, names_list, public_name
from articles.typography import clock, fix_french_spacing

register = template.Library()


@register.filter
def french_date(value, with_time: bool = False) -> str:
    """« 1er juillet 2016 », « 25 juillet 2016 à 9 h 05 » (no-break spaces in the time) in the site's time zone."""
    return french_dates(with_time)(value)


def french_dates(with_time: bool = False) -> Callable[[datetime | None], str]:
    """``french_date`` for many dates in a row (a comment thread): the time zone and the words are
    looked up once, not for every date (each lookup goes through the active language and zone)."""
    zone = timezone.get_current_timezone()
    first = _("1er")
    at = _("%(date)s à %(time)s") if with_time else ""
    # The month's name as the date filter's « F » gives it, without building a formatter.
    months = {}

    def format_date(value) -> str:
        if not value:
            return ""
        local = value.astimezone(zone) if timezone.is_aware(value) else value
        month = months.get(local.month) or months.setdefault(local.month, str(MONTHS[local.month]))
        text = f"{first if local.day == 1 else local.day} {month} {local.year}"
        return at % {"date": text, "time": clock(local.hour, local.minute)} if with_time else text

    return format_date


@register.filter
def machine_date(value) -> str:
    """A <time datetime> value: ISO 8601 in the site's time zone, to the second (HTML takes at most
    milliseconds; Django's « c » format writes microseconds)."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.replace(microsecond=0).isoformat()


register.filter("names_list", names_list)
register.filter("uses_element_styles", uses_element_styles)
register.filter("public_name", public_name)
register.filter("credited", credited)


@register.filter
def french_spacing(text) -> str:
    """Fix the spaces around French double punctuation; the result still needs escaping."""
    return fix_french_spacing(str(text or ""))


@register.filter
def corrections_heading(corrections) -> str:
    """What an article's box of notes is called: « Rectificatif », « Mises à jour », « Rectificatifs et mises à jour »…"""
    kinds = {correction.kind for correction in corrections}
    if kinds == {Correction.Kind.CORRECTION}:
        return ngettext("Rectificatif", "Rectificatifs", len(corrections))
    if kinds == {Correction.Kind.UPDATE}:
        return ngettext("Mise à jour", "Mises à jour", len(corrections))
    return _("Rectificatifs et mises à jour")
