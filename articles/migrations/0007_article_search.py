"""Search data on articles.

On PostgreSQL: the ``unaccent`` extension and a ``french_unaccent`` text search
configuration (French stemming after removing accents, so « epinal » finds
« Épinal »), a weighted ``search_vector`` and its GIN index. On SQLite: a
``search_text`` column of normalised words. Both columns exist everywhere; each
database fills its own. The configuration steps are idempotent and reversed by the
backwards migration (except the extension, which other objects may use). SQLite
has no GIN: there the index is a plain one, on a column that stays empty. The
``search`` app fills the columns of existing articles (``search/migrations``).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

CONFIG = "french_unaccent"


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (
                SELECT 1 FROM pg_ts_config
                WHERE cfgname = '{CONFIG}' AND cfgnamespace = current_schema()::regnamespace
            ) THEN
                CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
            END IF;
        END
        $$
        """
    )
    # Words with non-ASCII letters lose their accents before stemming; ASCII words
    # already go straight to the French stemmer.
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
    )


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_plain_bodies_to_html")]

    operations = [
        migrations.RunPython(create_configuration, drop_configuration, elidable=False),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="article_search_vector_idx"),
        ),
    ]
