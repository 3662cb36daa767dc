"""The page as readers get it, and its staff preview."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

import pagecache
from articles.caching import subject_tag

from .caching import page_tag
from .models import Page


class PageMixin:
    template_name = "pages/page.html"
    context_object_name = "page"

    def get_context_data(self, **kwargs):
        page = self.object
        context = super().get_context_data(**kwargs)
        context["ancestors"] = page.ancestors()
        context["children"] = list(page.children.published().only("title", "slug", "parent_id"))
        return context


class PageView(PageMixin, DetailView):
    def get_queryset(self):
        # The breadcrumb's two levels above with the page: « Qui sommes-nous › L’équipe › Paris ».
        return Page.objects.published().select_related("parent__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, references = self.object, self.object.body_references
        # The page names its parents and its sub-pages; its text shows library images and documents.
        named = [page, *context["ancestors"], *context["children"]]
        pagecache.tag(
            *(page_tag(p.pk) for p in named),
            *(subject_tag("image", pk) for pk in references.get("images", ())),
            *(subject_tag("document", pk) for pk in references.get("documents", ())),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class PagePreviewView(PermissionRequiredMixin, PageMixin, DetailView):
    """The page exactly as readers will see it, draft or published: staff only, never cached."""

    permission_required = "pages.view_page"
    queryset = Page.objects.select_related("parent__parent")

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)
