from django.apps import AppConfig


class EbmConfig(AppConfig):
    name = "ebm"
    default_auto_field = "django.db.models.BigAutoField"
