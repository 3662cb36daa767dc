"""The bare project's only address: the benchmark's hello-world view (see bench/bare_settings.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("__bench__/hello/<int:size>/", views.hello, name="bench_hello"),
]
