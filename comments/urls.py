from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("commentaires/article/<int:article_id>/", views.post_comment, name="post"),
    path("commentaires/<int:comment_id>/signaler/", views.report_comment, name="report"),
]
