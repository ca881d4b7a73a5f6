"""WSGI entry point for gunicorn: ``gunicorn ecity.conf.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecity.conf.production")
application = get_wsgi_application()
