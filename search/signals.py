"""Keeping the search data current: receivers for articles and for their searched subjects.

The data is refreshed at once, inside the caller's transaction: the next search already
sees the change, and a rollback undoes both. The subjects whose names are indexed are
those declared with ``name_is_searched`` in ``articles.subjects``; ``connect()`` (called
from ``SearchAppConfig.ready``) loops over them, so a new one needs no change here.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles.changes import has_changed, stored_values
from articles.models import Article
from articles.subjects import BY_LINK_TABLE, BY_MODEL

from .indexing import SEARCHED_SUBJECTS, refresh_articles

# The article's own fields that documents() reads; a subject linked by a foreign key of the
# article (not a link table) changes with the article's save too.
SEARCHED_ARTICLE_FIELDS = {"title", "standfirst", "body"} | {
    subject.article_field for subject in SEARCHED_SUBJECTS if not subject.link.is_link_table
}


def connect() -> None:
    """Connect the receivers below: for the article, and for each searched subject's model and links."""
    post_save.connect(article_saved, sender=Article, dispatch_uid="search.article_saved")
    for subject in SEARCHED_SUBJECTS:
        if subject.link.is_link_table:
            m2m_changed.connect(links_changed, sender=subject.link.table, dispatch_uid="search.links_changed")
    for subject in SEARCHED_SUBJECTS:
        for signal, receiver, sender in [
            (pre_save, name_may_change, subject.model),
            (post_save, subject_saved, subject.model),
            (pre_delete, subject_deleting, subject.model),
            (post_delete, subject_deleted, subject.model),
        ]:
            signal.connect(receiver, sender=sender, dispatch_uid=f"search.{receiver.__name__}")


def article_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not SEARCHED_ARTICLE_FIELDS & set(update_fields)):
        return
    refresh_articles([instance.pk])


def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Articles gained or lost places, people or tags, from either side of the link."""
    if reverse and action == "pre_clear":
        # From a subject's side, clear() does not say which articles lose it.
        instance._search_cleared_articles = BY_LINK_TABLE[sender].link.article_ids([instance.pk])
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        refresh_articles([instance.pk])
    else:
        refresh_articles(instance.__dict__.pop("_search_cleared_articles", []) if action == "post_clear" else pk_set)


def name_may_change(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._search_previous = stored_values(instance, "name")


def subject_saved(sender, instance, created, raw=False, **kwargs):
    previous = instance.__dict__.pop("_search_previous", None)
    if not raw and not created and previous is not None and has_changed(previous, instance, ["name"]):
        refresh_articles(BY_MODEL[sender].link.article_ids([instance.pk]))


def subject_deleting(sender, instance, **kwargs):
    # Its links to articles go without signals: remember the articles to refresh after.
    instance._search_articles_to_refresh = BY_MODEL[sender].link.article_ids([instance.pk])


def subject_deleted(sender, instance, **kwargs):
    refresh_articles(instance.__dict__.pop("_search_articles_to_refresh", []))
