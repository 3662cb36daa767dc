"""The admin in tests: what the browser posts (the article form, an action), and reading pages back."""

from django.urls import reverse
from django.utils import timezone


def change_url(article):
    """The article's form in the admin."""
    return reverse("admin:articles_article_change", args=[article.pk])


def changelist_url():
    return reverse("admin:articles_article_changelist")


def inline_management(prefix, total=0, initial=0):
    """The management form of an inline formset: how many forms the browser sends, how many were there."""
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


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
        "comments_mode": "moderated",
        "is_featured": False,
        # The article's rectificatifs and updates (CorrectionInline), none sent.
        **inline_management("corrections"),
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
        "comments_mode": article.comments_mode,
        "is_featured": article.is_featured,
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
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


def opened_form(client, article, **overrides):
    """What the change form of ``article`` posts when opened now by ``client`` and saved with these
    changes: its fields as stored, plus the version it was opened on (hidden fields)."""
    response = client.get(change_url(article))
    assert response.status_code == 200, response.status_code
    initial = response.context["adminform"].form.initial
    article.refresh_from_db()
    data = article_change_data(article, **overrides)
    data.update(base_revision=initial["base_revision"], base_state=initial["base_state"])
    return data


def shown_form_data(response):
    """The data a re-shown form holds (after a conflict or a merge): what its next POST sends
    (without the button that was pressed)."""
    data = response.context["adminform"].form.data
    return {name: data.getlist(name) for name in data if name not in {"_save", "_merge", "_overwrite"}}
