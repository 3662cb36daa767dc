"""Bodies written before the rich editor were plain paragraphs separated by blank lines:
turn them into the HTML the editor stores, so that every body has one form."""

import re
from html import escape

from django.db import migrations


def to_html(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(body="").only("pk", "body").iterator():
        if article.body.lstrip().startswith("<"):
            continue
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", article.body) if part.strip()]
        html = "".join(f"<p>{escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in paragraphs)
        Article.objects.filter(pk=article.pk).update(body=html)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_rich_body_and_images")]

    operations = [migrations.RunPython(to_html, migrations.RunPython.noop)]
