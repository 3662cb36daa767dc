from django.urls import include, path

from . import views

app_name = "newsletters"

urlpatterns = [
    # The full form (every open list); the footer's and the articles' forms post here too.
    path("lettres/", views.subscribe, name="subscribe"),
    path("lettres/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("lettres/abonnement/<str:key>/", views.manage, name="manage"),
    # List-Unsubscribe's https address: a POST unsubscribes at once (RFC 8058); a GET shows a button.
    path("lettres/desinscription/<str:key>/<int:edition_id>/", views.unsubscribe, name="unsubscribe"),
    # The email providers' webhooks (bounces, complaints, the mailto unsubscriptions), through django-anymail.
    path("lettres/anymail/", include("anymail.urls")),
]
