"""The newsroom's content: sections, places, public figures and the articles about them.

One module per topic, all imported here: Django finds the app's models through this package,
and the rest of the code imports them from ``articles.models`` as before.

- ``addresses``: readers' addresses of subjects and articles (``slug_address``);
- ``sections``, ``territories``, ``personalities``, ``tags``: what articles are filed in and about;
- ``articles``: the article, its queries and workflow, and what its body points to;
- ``page_data``: the one query behind ``Article.page_data``;
- ``redirects``, ``corrections``, ``revisions``: former addresses, rectificatifs and versions;
- ``drafts``: each person's unsaved text of an article, kept on the server for them alone;
- ``frontpage``: the front page the editors compose (the lead story and the top slots, scheduled or not);
- ``subject_dates``: each subject's latest publication, kept for the sitemaps.

The modules import one another one way: ``articles`` imports the modules it uses, and
``revisions`` imports ``articles``. A module below ``articles`` that needs ``Article`` when it
runs looks it up by name (``apps.get_model``), never by an import inside a function.
"""

from .addresses import slug_address
from .articles import Article, ArticleQuerySet, BodyReference, references_from
from .corrections import Correction
from .drafts import ArticleDraft
from .frontpage import FrontPageComposition, FrontPageSlot
from .personalities import Personality
from .redirects import ArticleSlugRedirect
from .revisions import ArticleRevision
from .sections import Section
from .subject_dates import SubjectDate
from .tags import TaggedArticle
from .territories import Territory

__all__ = [
    "Article",
    "ArticleDraft",
    "ArticleQuerySet",
    "ArticleRevision",
    "ArticleSlugRedirect",
    "BodyReference",
    "Correction",
    "FrontPageComposition",
    "FrontPageSlot",
    "Personality",
    "Section",
    "SubjectDate",
    "TaggedArticle",
    "Territory",
    "references_from",
    "slug_address",
]
