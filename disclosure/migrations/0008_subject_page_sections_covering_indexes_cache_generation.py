import time

from django.db import migrations, models

from disclosure.catalogue import CATEGORIES


def set_sections(apps, schema_editor):
    """Default categories as in the catalogue; others by polarity."""
    Category = apps.get_model("disclosure", "Category")
    defaults = {fields["code"]: fields["section"] for fields in CATEGORIES}
    for category in Category.objects.all():
        positive = "honour" if category.polarity == "positive" else "dishonesty"
        category.section = defaults.get(category.code, positive)
        category.save(update_fields=["section"])


def create_generation(apps, schema_editor):
    # From the clock, like CacheGeneration.fresh_value().
    apps.get_model("disclosure", "CacheGeneration").objects.get_or_create(
        name="catalogue", defaults={"value": time.time_ns() // 1000}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0007_list_repair_min_months'),
    ]

    operations = [
        migrations.CreateModel(
            name='CacheGeneration',
            fields=[
                ('name', models.CharField(max_length=20, primary_key=True, serialize=False)),
                ('value', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'cache generation',
                'verbose_name_plural': 'cache generations',
            },
        ),
        migrations.AddField(
            model_name='category',
            name='section',
            field=models.CharField(choices=[('licence', 'Administrative licences'), ('penalty', 'Administrative penalties'), ('honour', 'Incentives for trustworthiness'), ('dishonesty', 'Punishment of dishonesty'), ('commitment', 'Credit commitments')], default='dishonesty', help_text="Where the category's records appear on a subject's page.", max_length=12, verbose_name='section of the subject page'),
        ),
        migrations.AddIndex(
            model_name='listing',
            index=models.Index(fields=['subject', 'credit_list', '-entered_on', '-id'], include=('exited_on', 'planned_exit_on'), name='listing_subject_list_idx'),
        ),
        migrations.AddIndex(
            model_name='record',
            index=models.Index(fields=['subject', 'category', '-decided_on', '-id'], include=('publishable', 'disclosure_until', 'ended_on'), name='record_subject_category_idx'),
        ),
        migrations.RemoveIndex(
            model_name='listing',
            name='listing_subject_entered_idx',
        ),
        migrations.RemoveIndex(
            model_name='record',
            name='record_subject_decided_idx',
        ),
        migrations.RunPython(set_sections, migrations.RunPython.noop),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
    ]
