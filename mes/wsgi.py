"""WSGI entry point (gunicorn mes.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mes.settings")
application = get_wsgi_application()
