"""Reading admin pages in tests: a form's errors and one field's row."""


def form_errors(response):
    """The admin form's errors, to make a failed save readable in the assertion message."""
    context = response.context
    if context and "adminform" in context:
        return context["adminform"].form.errors
    return f"status {response.status_code}"


def field_row(html, name):
    """The HTML of the admin form row holding the field ``name``: its label, widget and errors."""
    start = html.index(f' field-{name}"')
    end = html.find('<div class="form-row', start)
    return html[start : end if end != -1 else None]
