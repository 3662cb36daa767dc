"""Fill the search data of the articles that exist (``search.indexing``).

The columns are created by ``articles.0007_article_search``, which leaves them empty.
Historical models: the names of places, people and tags are read through the link
tables as this migration knows them, not through today's declarations.
"""

from django.db import migrations

from articles.subjects import ArticleLink
from search.indexing import refresh


def fill_search_data(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    links = [
        ArticleLink(Article.territories.through, "article", "territory"),
        ArticleLink(Article.personalities.through, "article", "personality"),
        ArticleLink(apps.get_model("articles", "TaggedArticle"), "content_object", "tag"),
    ]
    alias = schema_editor.connection.alias
    refresh(Article, Article.objects.using(alias).values_list("pk", flat=True), using=alias, links=links)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_search")]

    operations = [migrations.RunPython(fill_search_data, migrations.RunPython.noop)]
