from django.core.management.base import BaseCommand

from dataservices import alerts


class Command(BaseCommand):
    help = "Send pending e-mail alerts about followed subjects. Re-runnable; run every few minutes from cron."

    def handle(self, *args, **options):
        run = alerts.alerts_send()
        self.stdout.write(f"{run.messages} messages sent, {run.skipped} skipped")
