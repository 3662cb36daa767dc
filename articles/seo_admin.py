"""The article form's « Référencement » fields: the title and description for search engines,
each with a live count of its characters (static/articles/admin/seo_counter.js)."""

from django import forms


class CountedMedia:
    js = ["articles/admin/seo_counter.js"]
    css = {"all": ["articles/admin/seo_counter.css"]}


class CountedTextInput(forms.TextInput):
    """A one-line field whose characters are counted as one types (its ``maxlength`` is the limit)."""

    Media = CountedMedia

    def __init__(self, attrs=None):
        super().__init__({"data-seo-counter": "", "class": "vTextField", **(attrs or {})})


class CountedTextarea(forms.Textarea):
    """A few lines whose characters are counted as one types (its ``maxlength`` is the limit)."""

    Media = CountedMedia

    def __init__(self, attrs=None):
        super().__init__({"data-seo-counter": "", "rows": 3, **(attrs or {})})


# The article form's widgets for them (ArticleAdminForm.Meta).
SEO_WIDGETS = {"seo_title": CountedTextInput(), "seo_description": CountedTextarea()}
