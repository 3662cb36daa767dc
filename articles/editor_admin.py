"""What the article admin adds around the journalists' editor: draft autosave and writing warnings.

A mixin, so that ArticleAdmin only names it; the editor's own behaviour lives in
static/articles/editor/ and articles/editor.py.
"""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from images.forms import file_name_warning

from .body import outline, typed_file_names_in


class EditorAdminMixin:
    @property
    def media(self):
        # On the list too: the page after « Enregistrer » is where a saved draft is dropped.
        return super().media + forms.Media(js=["articles/editor/autosave.js"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved (or held as a proposal): the text kept on the server while typing has served (ServerDraftsMixin).
        self.drop_draft(request, form.instance, added=not change)
        # Not an error: the text is saved, but readers would see the camera's file name as is.
        for name in typed_file_names_in(form.instance.body):
            self.message_user(request, file_name_warning(name), messages.WARNING)
        # Not an error either (two articles published together link to each other), but said at once:
        # until its target is published, readers get the link's text without the link.
        for title in unpublished_link_targets(form.instance):
            self.message_user(
                request,
                _(
                    "Le lien vers « %(title)s » mène à un article qui n’est pas publié : les lecteurs n’en "
                    "verront que le texte, sans lien, tant qu’il ne l’est pas."
                )
                % {"title": title},
                messages.WARNING,
            )


def unpublished_link_targets(article) -> list[str]:
    """The titles of the articles this body links to that readers can't see, nor will at a set time."""
    slugs = outline(article.body).linked_slugs - {article.slug}
    if not slugs:
        return []
    targets = type(article).objects.filter(slug__in=slugs).exclude(status=type(article).Status.PUBLISHED)
    return sorted(targets.values_list("title", flat=True))
