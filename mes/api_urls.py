"""Every API endpoint under /api/v1/, gathered from the apps."""

from django.urls import include, path

from core.api import views as core_api

urlpatterns = [
    path("", include("instructions.api.urls")),
    path("", include("line.api.urls")),
    path("", include("quality.api.urls")),
    path("events", core_api.events, name="api-events"),
    path("whoami", core_api.whoami, name="api-whoami"),
    path("webhooks", core_api.webhooks, name="api-webhooks"),
]
