"""The HTTP benchmark's Django side (``make bench-http``, scripts/bench_http.py).

- ``bench.generator`` writes a synthetic newsroom archive with PostgreSQL ``COPY``;
- ``bench.settings`` is the site's settings plus this app and a hello-world URL, used
  only by the benchmark's app servers: production never routes to ``bench.views``.
"""
