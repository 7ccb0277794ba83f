from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the OpenAPI description of token authentication.
        from core.api import schema  # noqa: F401
