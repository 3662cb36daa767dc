"""The title and description for search engines on articles: optional, empty the title and standfirst serve."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_article_title_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="seo_description",
            field=models.CharField(
                blank=True,
                default="",
                help_text="160 caractères au plus, sous le titre dans les résultats de recherche et les partages. Laissée vide, le chapô sert.",
                max_length=160,
                verbose_name="description pour les moteurs de recherche",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="seo_title",
            field=models.CharField(
                blank=True,
                default="",
                help_text="70 caractères au plus (les moteurs de recherche en affichent environ 60). Laissé vide, le titre de l’article sert.",
                max_length=70,
                verbose_name="titre pour les moteurs de recherche",
            ),
        ),
    ]
