"""The Celery application: tasks are thin interfaces onto services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mes.settings")

# DjangoTask gives delay_on_commit(): a task never runs before the rows it needs are committed.
app = Celery("threadline", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
