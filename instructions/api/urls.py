from django.urls import path

from instructions.api import views

urlpatterns = [
    path("releases", views.releases, name="api-releases"),
    path("releases/schema", views.release_format_schema, name="api-release-schema"),
    path("revisions", views.revisions, name="api-revisions"),
    path("revisions/<int:revision_id>", views.revision_detail, name="api-revision-detail"),
]
