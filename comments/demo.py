"""The demo newsroom's reader comments, added by ``manage.py load_demo`` once its articles exist."""

from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone

from articles import demo_content as demo
from articles.models import Article

from .models import Comment


@receiver(demo.demo_articles_loaded)
def load_demo_comments(sender, report, **kwargs) -> None:
    """A few comments on the flagship article, once: a second run finds them and adds nothing."""
    article = Article.objects.filter(slug=demo.COMMENTS_ARTICLE).first()
    if article is None or article.comments.exists() or article.published_at is None:
        report("Commentaires", 0, len(demo.COMMENTS))
        return
    created = {}
    for row in demo.COMMENTS:
        # Created with their demo status: an approved one counts at once (Comment.save).
        created[row["key"]] = Comment.objects.create(
            article=article,
            parent=created.get(row.get("parent")),
            author_name=row["name"],
            author_email=row["email"],
            author_url=row["url"],
            body=row["body"],
            status=row["status"],
            created_at=min(article.published_at + timedelta(hours=row["hours_after"]), timezone.now()),
            ip_address="192.0.2.1",  # documentation range (RFC 5737)
        )
    report("Commentaires", len(created), len(demo.COMMENTS))
