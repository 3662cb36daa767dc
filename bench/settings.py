"""Settings for the HTTP benchmark's app servers only: the site's settings, plus the
``bench`` app (its management commands) and a URLconf with a hello-world view.

Selected with ``DJANGO_SETTINGS_MODULE=bench.settings`` by scripts/bench_http.py; the
hello-world view goes through the very same middleware stack as the reader pages, so
the difference between the two is what the pages themselves cost.
"""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
