"""Root URLconf: screens per app, the API under /api/v1/, the schema and its docs page."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.permissions import public
from line.views import station as station_views

urlpatterns = [
    path("", station_views.root, name="home"),
    path("health", core_views.health, name="health"),
    path(
        "favicon.ico",
        public(RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
        name="favicon",
    ),
    path(
        "login/",
        public(
            auth_views.LoginView.as_view(
                template_name="registration/login.html", redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("audit/", core_views.audit_trail, name="audit-trail"),
    path("language", core_views.set_language, name="set-language"),
    path("documents/<int:document_id>/", core_views.document_status, name="document-status"),
    path("documents/<int:document_id>/download", core_views.document_download, name="document-download"),
    path("instructions/", include("instructions.urls")),
    path("quality/", include("quality.urls")),
    path("line/", include("line.urls")),
    path("api/v1/", include("mes.api_urls")),
    path("api/v1/schema/", public(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/v1/docs/", public(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.forbidden"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
