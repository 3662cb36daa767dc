"""The site's URLs plus the benchmark's hello-world view (see bench/settings.py)."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("__bench__/hello/<int:size>/", views.hello, name="bench_hello"),
    *site_urlpatterns,
]
