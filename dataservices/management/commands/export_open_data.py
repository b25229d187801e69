import datetime as dt

from django.core.management.base import BaseCommand

from dataservices import opendata


class Command(BaseCommand):
    help = (
        "Write the disclosed dataset (CSV and JSON Lines), the daily change delta and SHA-256 checksums into "
        "OPEN_DATA_DIR, listed on /open-data/. Run daily after materialise_disclosure_events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="As of this Beijing date (YYYY-MM-DD); default today.")

    def handle(self, *args, day=None, **options):
        files = opendata.export_open_data(day=dt.date.fromisoformat(day) if day else None)
        for item in files:
            self.stdout.write(f"{item.name}\t{item.rows} rows\t{item.sha256}")
