from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    # Under /page/: no page can take an address of the site's own (docs/decisions/static-pages.md).
    path("page/<slug:slug>/", views.PageView.as_view(), name="page"),
    path("apercu/page/<int:pk>/", views.PagePreviewView.as_view(), name="preview"),
]
