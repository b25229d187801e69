from django.core.management.base import BaseCommand

from disclosure import feed


class Command(BaseCommand):
    help = (
        "Write change-feed events for changes that happen by the calendar alone (expiries, decision and "
        "entry dates arriving, planned list exits). Idempotent; run from cron just after midnight Beijing time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Re-scan from this date (YYYY-MM-DD); default: since the last run.")

    def handle(self, *args, since=None, **options):
        import datetime as dt

        written = feed.materialise_calendar_events(since=dt.date.fromisoformat(since) if since else None)
        self.stdout.write(f"{written} events written")
