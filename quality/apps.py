from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        # What this app tells the kernel: role permissions, audit words, subjects, home pages.
        from quality import permissions, registry  # noqa: F401
