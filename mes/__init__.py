"""The Threadline project: settings, root URLconf, the Celery application, WSGI and ASGI."""

from mes.celery import app as celery_app

__all__ = ["celery_app"]
