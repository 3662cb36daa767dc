"""Each subject's latest published article, kept for the sitemaps (articles.subject_dates), filled from
the articles once every migration has run (``articles.subject_dates.fill_after_migrate``); an index of published
articles' update dates, for the sitemap index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_dossiers_roles"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubjectDate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=20, verbose_name="type de sujet")),
                ("subject_id", models.BigIntegerField(verbose_name="identifiant du sujet")),
                ("latest_published_at", models.DateTimeField(verbose_name="date du dernier article publié")),
            ],
            options={
                "verbose_name": "date d’un sujet",
                "verbose_name_plural": "dates des sujets",
                "constraints": [models.UniqueConstraint(fields=("kind", "subject_id"), name="subject_date_unique")],
            },
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-updated_at"],
                condition=models.Q(status="published", updated_at__isnull=False),
                name="article_updated_idx",
            ),
        ),
    ]
