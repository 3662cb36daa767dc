"""A commenter's rights over their data: a copy of everything, or erasure of everything.

Registered with ``common.personal_data`` (imported by ``CommentsConfig.ready()``), so that the
staff's page for a person's data request answers for comments too; the moderators answer for them
(``Comment.can_moderate``), as they always have. ``manage.py commenter_data`` uses the same two
functions from the command line.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import personal_data

from .models import Comment


def count_comments_of(email: str) -> int:
    """The comments of this address not erased yet."""
    return Comment.objects.by_email(email).filter(erased_at__isnull=True).count()


def export_comments_of(email: str) -> dict:
    comments = Comment.objects.by_email(email).select_related("article").order_by("created_at")
    return {
        "email": email,
        "comments": [
            {
                "id": comment.pk,
                "article": comment.article.title,
                "article_url": comment.article.get_absolute_url(),
                "in_reply_to": comment.parent_id,
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.author_url,
                "text": comment.body,
                "status": comment.status,
                "created_at": comment.created_at.isoformat(),
                "ip_address": comment.ip_address,
            }
            for comment in comments
        ],
    }


def erase_comments_of(email: str) -> int:
    """Erase every comment of this address; replies by others stay, under a placeholder.

    The admin's history of these comments is scrubbed too: older entries may hold
    what the comment looked like when it was moderated.
    """
    with transaction.atomic():
        # Their ids first: erasure blanks the address they are found by.
        ids = list(Comment.objects.by_email(email).filter(erased_at__isnull=True).values_list("pk", flat=True))
        Comment.objects.filter(pk__in=ids).erase()
        personal_data.scrub_admin_history(Comment, ids, str(_("Commentaire supprimé")))
    return len(ids)


personal_data.register(
    "comments",
    gettext_lazy("Commentaires"),
    export=export_comments_of,
    erase=erase_comments_of,
    count=count_comments_of,
    permission=Comment.can_moderate,
    holders=gettext_lazy("aux modérateurs"),
)
