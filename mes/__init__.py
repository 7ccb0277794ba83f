"""Threadline project package and the line ("mes") app."""

from mes.celery import app as celery_app

__all__ = ["celery_app"]
