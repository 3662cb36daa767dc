"""The comment form under an article, as a reader's browser fills it in and sends it."""

import itertools
from datetime import timedelta

import time_machine
from django.urls import reverse

# A person needs longer than settings.COMMENTS_MIN_SECONDS_TO_WRITE to write a comment.
WRITING_TIME = timedelta(seconds=10)

_numbers = itertools.count(1)


def form_token(client, article) -> str:
    """Open the article page as this browser and read the form's signed timestamp."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.context["comment_form"]["token"].value()


def post_comment(client, article, *, token=None, wait=WRITING_TIME, ip="127.0.0.1", **fields):
    """Open the article, write for ``wait``, send the form; ``fields`` override a valid comment
    (``parent`` is the id of the comment answered, ``remember="on"`` ticks « Enregistrer mon nom… »)."""
    data = {
        "name": "Camille Bernard",
        "email": "camille@exemple.fr",
        "url": "",
        "body": f"Merci pour cet article, le n° {next(_numbers)} que je lis ce mois-ci.",
        "website": "",
        **fields,
    }
    data["token"] = form_token(client, article) if token is None else token
    with time_machine.travel(wait, tick=True):
        return client.post(reverse("comments:post", args=[article.pk]), data, REMOTE_ADDR=ip)
