from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineConfig(AppConfig):
    # The label stays "mes": tables, permission codes, migrations and URL namespaces predate the move.
    name = "line"
    label = "mes"
    verbose_name = _("Line")
