from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineConfig(AppConfig):
    # The label stays "mes": tables, permission codes, migrations and URL namespaces predate the move.
    name = "line"
    label = "mes"
    verbose_name = _("Line")

    def ready(self) -> None:
        # What this app tells the kernel: role permissions, audit words, subjects, home pages.
        from line import permissions, registry  # noqa: F401
