"""Remind reviewers of cases due by the next working day or overdue.

Run daily from cron. Re-runnable and safe to run twice at once: each case is
reminded at most once per Beijing day (unique CaseReminder row).
"""

from django.core.management.base import BaseCommand

from repair.services import reminders_send


class Command(BaseCommand):
    help = "E-mail reviewers about repair applications and objections that are due by the next working day or overdue."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent")
