"""What the article admin adds around the journalists' editor: draft autosave and writing warnings.

A mixin, so that ArticleAdmin only names it; the editor's own behaviour lives in
static/articles/editor/ and articles/editor.py.
"""

from django import forms
from django.contrib import messages

from images.forms import file_name_warning

from .body import typed_file_names_in


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
