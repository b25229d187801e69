from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataservicesConfig(AppConfig):
    """Services for credit service agencies and the public: API keys, email
    alerts, webhooks and open-data exports, all fed by disclosure's change feed.

    A separate app because these are operational concerns (delivery state,
    quotas, files) that the disclosure domain should not carry.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "dataservices"
    verbose_name = _("Data services")

    def ready(self) -> None:
        # Registers the API-key scheme with drf-spectacular.
        from dataservices import schema  # noqa: F401
