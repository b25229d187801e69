from django.core.management.base import BaseCommand, CommandError

from audit.selectors import chain_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain: exit 0 when intact, otherwise name the first broken link. "
        "Prints the head hash: keep it outside the database (e.g. daily) to detect removal of the last entries."
    )

    def handle(self, *args, **options):
        verdict = chain_verify()
        if not verdict.intact:
            raise CommandError(
                f"audit trail broken: {verdict.problem} ({verdict.checked} entries before it are intact)"
            )
        self.stdout.write(f"audit trail intact: {verdict.checked} entries, head {verdict.head}")
