"""The reader search page: /recherche/?q=…&rubrique=…&territoire=…&page=…"""

from urllib.parse import urlencode

from django.conf import settings
from django.views.generic import ListView

from . import backends
from .backends import add_excerpts, search_articles
from .forms import SearchForm


class SearchView(ListView):
    """Published articles matching the words typed, best first, with an excerpt around the match.

    At most ``backends.MAX_CANDIDATES`` results, the most recent matches, are ranked.
    Whatever is typed or forged in the address answers a page: the query is cleaned
    (control characters out, cut at 200 characters), unknown filters are dropped with
    a notice, and a page number that is not one shows the first page, or the last one
    when it is past the end.
    """

    template_name = "search/results.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.form.is_valid()  # always valid: unknown values were dropped with a notice
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.form.query:
            return []
        return search_articles(self.form.query, section=self.form.section, territory=self.form.territory)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        articles = list(page.object_list)
        add_excerpts(articles, self.form.query)
        page.object_list = articles
        return paginator, page, articles, page.has_other_pages()

    def get_context_data(self, **kwargs):
        form = self.form
        search = {
            "q": form.query,
            "rubrique": form.section.slug if form.section else "",
            "territoire": form.territory.slug if form.territory else "",
        }
        context = super().get_context_data(**kwargs)
        context.update(
            form=form,
            query=form.query,
            notices=form.notices,
            has_filters=bool(search["rubrique"] or search["territoire"]),
            # Only the most recent matches are ranked: say so when there were more.
            max_candidates=backends.MAX_CANDIDATES,
            capped=context["paginator"].count >= backends.MAX_CANDIDATES,
            # The cleaned search, for pagination links and « search everywhere ».
            search_query_string=urlencode({key: value for key, value in search.items() if value}),
            unfiltered_query_string=urlencode({"q": form.query}),
        )
        return context
