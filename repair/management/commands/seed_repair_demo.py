"""Demo accounts for trying credit repair in a browser (after seed_demo). Idempotent."""

from django.core.management.base import BaseCommand

from repair.demo import demo_accounts_create


class Command(BaseCommand):
    help = "Create demo staff (one per role) and an applicant bound to a subject with a repairable record."

    def handle(self, *args, **options):
        for line in demo_accounts_create():
            self.stdout.write(line)
