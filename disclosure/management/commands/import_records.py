"""`manage.py import_records FILE [--source NAME]`: aggregation (归集).

Thin: parses arguments, prints, and calls disclosure.importer.records_import.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure.importer import DEFAULT_BATCH_SIZE, ImportFileError, records_import


class Command(BaseCommand):
    help = "Import records and list entries from a CSV or JSON Lines file (归集)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv, .jsonl or .ndjson file")
        parser.add_argument("--source", help="source name (default: the file's stem)")
        parser.add_argument("--progress", action="store_true", help="report progress even when stderr is no terminal")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"rows per batch (default {DEFAULT_BATCH_SIZE})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        show_progress = options["progress"] or sys.stderr.isatty()

        def on_error(message: str) -> None:
            self.stderr.write(message)

        def on_progress(rows: int, seconds: float) -> None:
            self.stderr.write(f"{rows:,} rows, {seconds:.0f} s, {rows / max(seconds, 1e-9):,.0f} rows/s")

        # A bulk load allocates millions of short-lived objects and no
        # reference cycles; the cyclic collector's scans would cost ~10%.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            result = records_import(
                path=options["file"],
                source=options["source"],
                batch_size=options["batch_size"],
                on_error=on_error,
                on_progress=on_progress if show_progress else None,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        finally:
            if gc_was_enabled:
                gc.enable()
        self.stdout.write(result.summary())
        if result.invalid:
            raise CommandError(f"{result.invalid} invalid rows were not imported (see above)", returncode=1)
