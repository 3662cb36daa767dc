"""Indexes in the order readers' lists read them, so that every list page costs the same at any archive size.

The links between articles and places, people and authors are Django's own tables
(no model to declare an index on): their indexes are plain SQL, the same on
PostgreSQL and SQLite.
"""

from django.db import migrations, models

# (index, table, columns): read a subject's articles from the index alone.
LINK_INDEXES = [
    ("article_territories_by_place_idx", "articles_article_territories", "territory_id, article_id"),
    ("article_personalities_by_person_idx", "articles_article_personalities", "personality_id, article_id"),
    ("article_authors_by_author_idx", "articles_article_authors", "user_id, article_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_article_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_visibility_idx"),
        migrations.RemoveIndex(model_name="article", name="article_section_latest_idx"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status="published"),
                name="article_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status="published", is_featured=True),
                name="article_featured_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "-published_at", "-id"],
                condition=models.Q(status="published"),
                name="article_section_published_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["tag", "content_object"], name="taggedarticle_by_tag_idx"),
        ),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(fields=["content_object", "tag"], name="taggedarticle_by_article_idx"),
        ),
        *(
            migrations.RunSQL(f"CREATE INDEX {name} ON {table} ({columns})", f"DROP INDEX {name}")
            for name, table, columns in LINK_INDEXES
        ),
    ]
