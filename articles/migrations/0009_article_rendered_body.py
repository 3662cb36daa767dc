"""Article bodies stored as readers get them, rendered when saved.

Existing articles keep NULL here: each is rendered at its first view (and stored), or all
at once by ``manage.py rerender_articles``; a migration cannot run today's rendering code.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_listing_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_html",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="body_html_expires_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="reading_minutes",
            field=models.PositiveSmallIntegerField(default=1, editable=False, verbose_name="temps de lecture"),
        ),
    ]
