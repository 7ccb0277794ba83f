"""Kept for templates that still `{% load instructions_format %}`: the filters live in the
project-wide `mes.core.templatetags.threadline_format` (one number and time format everywhere)."""

from mes.core.templatetags.threadline_format import register  # noqa: F401
