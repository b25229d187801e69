from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Trigram search on subject names; a no-op on SQLite."""

    dependencies = [("disclosure", "0001_initial")]

    operations = [TrigramExtension()]
