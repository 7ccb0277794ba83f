from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mes.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the OpenAPI description of token authentication.
        from mes.core.api import schema  # noqa: F401
