from django.urls import path

from instructions.views import compare, media, preview, screens

app_name = "instructions"

urlpatterns = [
    path("", screens.product_list, name="product-list"),
    path("products/<int:product_id>/", screens.product_detail, name="product-detail"),
    path("revisions/<int:revision_id>/", screens.revision_detail, name="revision-detail"),
    path("revisions/<int:revision_id>/pdf", screens.revision_pdf, name="revision-pdf"),
    path("revisions/<int:revision_id>/preview/", preview.revision_preview, name="revision-preview-start"),
    path(
        "revisions/<int:revision_id>/preview/<int:position>/",
        preview.revision_preview,
        name="revision-preview",
    ),
    path("drafts/new", preview.draft_upload, name="draft-upload"),
    path("compare/", compare.revision_compare, name="revision-compare"),
    path("media/<int:media_id>", media.step_media, name="step-media"),
]
