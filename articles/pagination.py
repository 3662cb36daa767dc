"""Pagination for long lists of articles, at the same cost on page 1 and page 500, at any archive size."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property


class LookaheadPaginator(Paginator):
    """Pages through a queryset without counting all of it.

    Counting every published article about a région costs more than showing twelve of
    them, and grows with the archive; so does ``OFFSET`` on full rows. Instead, each page
    reads the ids of its own articles and of the next few pages (one index scan, no
    row read), then loads its own articles by id. The total is exact when the end of
    the list is near, and a lower bound otherwise: ``count_is_exact`` says which, and
    templates write « Page 3 sur plus de 5 ». A page past the end is an ``EmptyPage``,
    found by that same scan.
    """

    lookahead_pages = 3

    count_is_exact = True

    def validate_number(self, number):
        # Django's check compares with num_pages, which would count the whole list first;
        # page() finds out whether the page exists.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        ids = self._look_ahead(start)
        if not ids and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        articles = list(self.object_list.filter(pk__in=ids[: self.per_page])) if ids else []
        return self._get_page(articles, number, self)

    def _look_ahead(self, start: int) -> list:
        """The ids from ``start`` to a few pages further; sets what is known of the count."""
        window = self.per_page * self.lookahead_pages
        ids = list(self.object_list.values_list("pk", flat=True)[start : start + window + 1])
        self.count_is_exact = len(ids) <= window
        # At least this many when not exact (one more was seen): the count ends on a full page.
        self.count = start + min(len(ids), window)
        self.__dict__.pop("num_pages", None)
        return ids

    @cached_property
    def count(self):
        """Only read before any page, for Django's ``?page=last``, which no page links to: a full count."""
        return super().count
