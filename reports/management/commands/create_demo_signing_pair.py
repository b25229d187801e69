"""Create a self-signed key and certificate for signing issued PDFs, where
REPORT_SIGNING_KEY / REPORT_SIGNING_CERT point, unless both exist already."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import signing


class Command(BaseCommand):
    help = "Create a self-signed demo key and certificate for PDF signatures (never overwrites)."

    def handle(self, *args, **options) -> None:
        key_path, cert_path = Path(settings.REPORT_SIGNING_KEY), Path(settings.REPORT_SIGNING_CERT)
        if key_path.exists() and cert_path.exists():
            self.stdout.write(f"Signing key and certificate present: {cert_path}")
            return
        try:
            signing.demo_pair_create(
                key_path=key_path, cert_path=cert_path, common_name="Credit Portal report signing (demo)"
            )
        except FileExistsError as error:
            raise CommandError(f"{error}: remove it or configure the other half of the pair") from error
        self.stdout.write(f"Created a self-signed demo signing pair: {key_path}, {cert_path}")
