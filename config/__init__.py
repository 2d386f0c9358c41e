import os

# Whether the caller chose a settings module; config.celery sets a default on import, which
# config.embedded must not pass on to the commands it runs (pytest picks its own).
SETTINGS_MODULE_GIVEN = "DJANGO_SETTINGS_MODULE" in os.environ

from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
