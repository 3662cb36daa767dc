"""The demo's breaking-news alert, ready for an editor to put up in one click (« Mettre en ligne »)."""

from django.dispatch import receiver

from articles import demo_content as demo
from articles.models import Article

from .models import Alert

DEMO_TEXT = "Crue de la Moselle : la vigilance orange étendue à Metz et Thionville, les routes fermées"


@receiver(demo.demo_articles_loaded)
def load_demo_alert(sender, report, **kwargs) -> None:
    """Created once, not put up: the banner is the editors' to switch on (a second run adds nothing)."""
    if Alert.objects.filter(text=DEMO_TEXT).exists():
        report("Alerte info", 0, 1)
        return
    article = Article.objects.published().filter(slug=demo.COMMENTS_ARTICLE).first()
    Alert.objects.create(text=DEMO_TEXT, link=article.get_absolute_url() if article else "/")
    report("Alerte info", 1, 1)
