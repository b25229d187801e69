from django.core.management.base import BaseCommand

from dataservices import webhooks


class Command(BaseCommand):
    help = (
        "Queue new change-feed events for each webhook and POST the deliveries that are due. Re-runnable and "
        "safe to run twice at once; run every minute (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        queued = webhooks.webhooks_enqueue()
        result = webhooks.webhooks_deliver()
        self.stdout.write(
            f"{queued} queued, {result.delivered} delivered, {result.failed} failed, {result.skipped} skipped"
        )
