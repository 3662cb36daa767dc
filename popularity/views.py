"""The reading beacon's endpoint: what an article page sends once it is shown."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .counting import count_reading


@csrf_exempt  # no cookie is read nor set here; other sites' beacons are told apart by their Origin (count_reading)
@require_POST
def beacon(request, article_id: int):
    """Count one reading (see ``counting``) and answer nothing, always the same way: 204, never kept by anybody."""
    count_reading(request, article_id)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
