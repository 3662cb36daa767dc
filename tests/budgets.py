"""The site's query budget and the article page's pinned count, one definition for every test."""

# The promise to readers: every reader page in at most this many SQL queries, whatever it shows.
READER_PAGE_BUDGET = 8
# The article page without related articles: the article (with whether it is live: two more on a
# live's page, whatever its number of entries), its subjects (one UNION), its comments.
ARTICLE_PAGE_QUERIES = 3
