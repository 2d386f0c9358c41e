from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "okrs"
    default_auto_field = "django.db.models.BigAutoField"
