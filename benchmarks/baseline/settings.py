"""Production settings plus the baseline view's URL. Used only by the benchmarks (never shipped):
``DJANGO_SETTINGS_MODULE=baseline.settings`` with ``benchmarks/`` on ``PYTHONPATH``."""

from ecity.conf.production import *  # noqa: F403

ROOT_URLCONF = "baseline.urls"
