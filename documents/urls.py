from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("documents/<int:pk>/", views.document, name="document"),
]
