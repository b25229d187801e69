"""Trigram indexes for name search on PostgreSQL; nothing on SQLite.

They serve `search_name LIKE '%q%'` (disclosure.search.subjects_matching) for
queries of 3 or more characters; see that function for the 2-character case.
"""

from django.db import migrations

INDEXES = [
    ("disclosure_subject", "subject_search_name_trgm"),
    ("disclosure_subjectformername", "former_name_search_name_trgm"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_name gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0003_default_catalogue")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
