"""Readers' pages of the newsletters: subscribing, confirming, managing one's lists, unsubscribing.

(Scaffold: each view is written in the subscribing work; the addresses are fixed in urls.py.)
"""

from django.http import Http404


def subscribe(request):
    raise Http404


def confirm(request, token):
    raise Http404


def manage(request, key):
    raise Http404


def unsubscribe(request, key, edition_id):
    raise Http404
