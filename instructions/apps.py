from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    name = "instructions"
    verbose_name = _("Instructions")

    def ready(self) -> None:
        # What this app tells the kernel: role permissions, audit words, subjects, home pages.
        from instructions import permissions, registry  # noqa: F401
