"""Comment bodies rendered once when saved: the stored HTML, filled here for existing comments."""

from django.db import migrations, models

from comments.text import render_comment_text

BATCH_SIZE = 2000


def render_existing_bodies(apps, schema_editor):
    # In batches by primary key, so that a million comments never sit in memory at once.
    comment_model = apps.get_model("comments", "Comment")
    comments = comment_model.objects.only("pk", "body").order_by("pk")
    last_pk = 0
    while batch := list(comments.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        for comment in batch:
            comment.body_html = render_comment_text(comment.body)
        comment_model.objects.bulk_update(batch, ["body_html"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderators_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_html",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(render_existing_bodies, migrations.RunPython.noop, elidable=True),
    ]
