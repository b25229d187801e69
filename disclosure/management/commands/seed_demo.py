"""python manage.py seed_demo [--seed N] [--subjects N] [--reset] [--with-admin]

Loads a deterministic demo population (disclosure.demo). Dates are relative
to today in Beijing: the same seed on the same day gives the same data.
Safe to run twice: a second run finds the demo data and does nothing.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure import demo

DEFAULT_ADMIN_PASSWORD = "admin-demo-2026"


class Command(BaseCommand):
    help = "Load realistic demo subjects, records and listings (source 'demo'); dates relative to today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed (default %(default)s)")
        parser.add_argument(
            "--subjects", type=int, default=demo.DEFAULT_SUBJECTS, help="number of subjects (default %(default)s)"
        )
        parser.add_argument("--reset", action="store_true", help="delete existing demo data (and only demo data) first")
        parser.add_argument(
            "--with-admin",
            action="store_true",
            help="also create the staff superuser 'admin' (password: $DEMO_ADMIN_PASSWORD or the demo default)",
        )

    def handle(self, *args, seed: int, subjects: int, reset: bool, with_admin: bool, **options) -> None:
        try:
            self.stdout.write(f"Seeding demo data: seed {seed}, {subjects} subjects")
            result = demo.demo_seed(seed=seed, subjects=subjects, replace=reset, progress=self.stdout.write)
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            self.stdout.write(
                self.style.WARNING("Demo data already exists (source 'demo'); nothing done. Use --reset to reload it.")
            )
        else:
            self._summary(result)
        if with_admin:
            self._admin()

    def _summary(self, result: demo.SeedResult) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data loaded in {result.seconds:.1f} s (reference date {result.reference})"))
        write(f"  subjects: {sum(result.subjects_by_type.values())}  " + _pairs(result.subjects_by_type))
        write(f"  former names: {result.former_names}  new authorities: {result.authorities_created}")
        write(
            f"  records: {sum(result.records_by_category.values())}, disclosed now: "
            f"{sum(result.records_disclosed_by_category.values())}"
        )
        for code, count in result.records_by_category.items():
            write(f"    {code:<22} {count:>6}  disclosed now {result.records_disclosed_by_category.get(code, 0):>6}")
        write(f"  records ended early: {_pairs(result.records_ended) or 'none'}")
        write(
            f"  listings: {sum(result.listings_by_list.values())}, current: "
            f"{sum(result.listings_current_by_list.values())}"
        )
        for code, count in result.listings_by_list.items():
            write(f"    {code:<26} {count:>6}  current {result.listings_current_by_list.get(code, 0):>6}")
        write(f"  listings exited: {_pairs(result.listings_exited) or 'none'}")
        write(f"  disclosure events: {result.events}")
        if result.skipped_collisions:
            write(self.style.WARNING(f"  left out {result.skipped_collisions} subjects whose codes already exist"))
        write(f"  digest: {result.digest}")

    def _admin(self) -> None:
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
        if demo.demo_admin_ensure(username="admin", password=password):
            self.stdout.write(self.style.SUCCESS(f"Created staff superuser: username admin, password {password}"))
        else:
            self.stdout.write("User 'admin' already exists; its password was not changed.")


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())
