"""The comment form's simple widgets written in Python instead of through Django's widget templates.

On the article page, rendering seven inputs through ``django/forms/widgets/input.html`` and
its ``attrs.html`` include took about a millisecond of a page that takes a few. This renderer
writes exactly the markup those templates write (a test compares the two), and leaves every
other template to Django.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html" for kind in ("input", "text", "email", "url", "hidden", "checkbox")
}
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attributes(attrs: dict) -> str:
    # As attrs.html: False drops the attribute, True writes it bare, anything else escaped.
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class CommentFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = (
            context.get("widget") if template_name in INPUT_TEMPLATES or template_name == TEXTAREA_TEMPLATE else None
        )
        if widget is None:
            return super().render(template_name, context, request)
        name, attributes = conditional_escape(widget["name"]), _attributes(widget["attrs"])
        if template_name == TEXTAREA_TEMPLATE:
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            return f'<textarea name="{name}"{attributes}>\n{text}</textarea>'
        value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return f'<input type="{conditional_escape(widget["type"])}" name="{name}"{value}{attributes}>'


# One instance: a renderer builds its template engine once.
comment_form_renderer = CommentFormRenderer()
