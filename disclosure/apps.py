from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosure"

    def ready(self) -> None:
        # Connects the receivers that raise the catalogue cache generation.
        from disclosure import pagecache  # noqa: F401
