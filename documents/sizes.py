"""File sizes as French readers write them: « 820 octets », « 12 ko », « 1,2 Mo », « 3,4 Go »."""

from django.utils.translation import ngettext

NBSP = "\u00a0"  # between the number and its unit, which must not land alone on the next line
_UNITS = ("ko", "Mo", "Go", "To")


def human_size(size: int) -> str:
    """Binary multiples (a « Mo » is 1,048,576 bytes, as file managers count); one decimal below 10."""
    if size < 1024:
        return ngettext("%(count)d octet", "%(count)d octets", size).replace(" ", NBSP) % {"count": size}
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            break
    number = f"{value:.1f}".replace(".", ",").removesuffix(",0") if value < 10 else f"{value:.0f}"
    return f"{number}{NBSP}{unit}"
