"""The admin in tests: what the browser posts (the article form, an action), and reading pages back."""

from django.utils import timezone


def article_form_data(section, **overrides):
    """The POST the article add form sends, a draft in ``section``, with the given fields changed.

    ``True`` ticks a checkbox, ``False`` or ``None`` leaves the field out of the POST
    (an unticked checkbox, or a field the browser would not send). The status is no field:
    a workflow button says what to do with the article (``_submit=True``, ``_publish=True``…,
    see ``articles.admin_workflow.STEPS``); without one, the POST is « Enregistrer ».
    """
    data = {
        "title": "Le port de Metz s’agrandit",
        "slug": "le-port-de-metz-sagrandit",
        "section": section.pk,
        "standfirst": "Le port fluvial double sa surface d’ici à 2027.",
        "body": "<p>Premier paragraphe.</p><p>Deuxième paragraphe.</p>",
        "published_at_0": "",
        "published_at_1": "",
        "authors": [],
        "tags": "FinTech, IoT",
        "territories": [],
        "personalities": [],
        "related_articles": [],
        "comments_open": True,
        "is_featured": False,
    }
    data.update(overrides)
    return {
        name: "on" if value is True else value
        for name, value in data.items()
        if value is not False and value is not None
    }


def article_change_data(article, **overrides):
    """The POST the change form of ``article`` sends when saved as is, with the given fields changed."""
    published_at = timezone.localtime(article.published_at) if article.published_at else None
    fields = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "main_image": article.main_image_id,
        "body": article.body,
        "published_at_0": published_at.strftime("%d/%m/%Y") if published_at else "",
        "published_at_1": published_at.strftime("%H:%M:%S") if published_at else "",
        "authors": [user.pk for user in article.authors.all()],
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "territories": [territory.pk for territory in article.territories.all()],
        "personalities": [personality.pk for personality in article.personalities.all()],
        "related_articles": [related.pk for related in article.related_articles.all()],
        "comments_open": article.comments_open,
        "is_featured": article.is_featured,
    }
    fields.update(overrides)
    return article_form_data(article.section, **fields)


def action_post(action, *objects, **extra):
    """The POST of the change list's action menu, run on ``objects``."""
    return {"action": action, "_selected_action": [obj.pk for obj in objects], "index": "0", **extra}


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
