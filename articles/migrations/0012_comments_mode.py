"""Comments on an article: a boolean « ouverts » becomes a mode (pré-modération, fermés, réservés
aux commentateurs de confiance). Closed articles stay closed; the versions kept in the history
are rewritten too, so that comparing and restoring an old version still reads the right field."""

from django.db import migrations, models


def _rewrite_revisions(apps, old: str, new: str, convert) -> None:
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    batch = []
    for revision in ArticleRevision.objects.filter(content__has_key=old).only("content", "changed_fields").iterator():
        revision.content[new] = convert(revision.content.pop(old))
        revision.changed_fields = [new if name == old else name for name in revision.changed_fields]
        batch.append(revision)
        if len(batch) == 1000:
            ArticleRevision.objects.bulk_update(batch, ["content", "changed_fields"])
            batch = []
    ArticleRevision.objects.bulk_update(batch, ["content", "changed_fields"])


def open_to_mode(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(comments_open=False).update(comments_mode="closed")
    _rewrite_revisions(apps, "comments_open", "comments_mode", lambda is_open: "moderated" if is_open else "closed")


def mode_to_open(apps, schema_editor):
    # Back to a boolean: only « fermés » is closed; « réservés » becomes open to all, as it was before.
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(comments_mode="closed").update(comments_open=False)
    _rewrite_revisions(apps, "comments_mode", "comments_open", lambda mode: mode != "closed")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_corrections_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="comments_mode",
            field=models.CharField(
                choices=[
                    ("moderated", "Pré-modération"),
                    ("closed", "Fermés"),
                    ("trusted_only", "Réservés aux commentateurs de confiance"),
                ],
                default="moderated",
                help_text=(
                    "Pré-modération : chacun peut commenter, un modérateur approuve avant publication. "
                    "Réservés : seuls les lecteurs à qui les modérateurs font confiance peuvent commenter. "
                    "Les commentaires se ferment aussi d’eux-mêmes quelques jours après la publication."
                ),
                max_length=20,
                verbose_name="commentaires",
            ),
        ),
        migrations.RunPython(open_to_mode, mode_to_open),
        migrations.RemoveField(
            model_name="article",
            name="comments_open",
        ),
    ]
