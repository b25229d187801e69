from django.db import migrations

from disclosure.catalogue import install_defaults


def install(apps, schema_editor):
    install_defaults(apps.get_model("disclosure", "Category"), apps.get_model("disclosure", "CreditList"))


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0002_pg_trgm")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
