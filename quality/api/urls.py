from django.urls import path

from quality.api import views

urlpatterns = [
    path("ncrs", views.ncrs, name="api-ncrs"),
    path("ncrs/<int:ncr_id>", views.ncr_detail, name="api-ncr-detail"),
    path("ncrs/<int:ncr_id>/disposition", views.ncr_disposition, name="api-ncr-disposition"),
    path("ncrs/<int:ncr_id>/close", views.ncr_close, name="api-ncr-close"),
]
