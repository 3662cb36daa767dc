"""The HTTP benchmark's Django side (``make bench-http``, scripts/bench_http.py).

- ``bench.generator`` writes a synthetic newsroom archive with PostgreSQL ``COPY``;
- ``bench.settings`` is the site's settings plus this app and a hello-world URL, used
  only by the benchmark's app servers: production never routes to ``bench.views``;
- ``bench.bare_settings`` is the floor the pages are compared with: a bare Django project
  (startproject's settings, no database) serving only that hello-world view;
- ``manage.py bench_pages`` and ``bench_edits``: the pages measured with their queries, and
  the edits of the edit phase; ``x_cache.lua``: wrk's count of responses by ``X-Cache``.
"""
