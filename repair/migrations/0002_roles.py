"""Staff roles as groups with permissions (issue 5, "Accounts and roles").

- credit-centre reviewers: accept or refuse to accept cases of every authority,
  approve subject bindings;
- authority reviewers: decide cases of their own authority (StaffProfile);
- administrators: catalogue, lists, users, the official calendar; see all cases.
"""

from django.db import migrations

ROLES = {
    "credit_centre_reviewer": [
        ("repair", "case", "view_case"),
        ("repair", "case", "accept_case"),
        ("repair", "case", "view_all_cases"),
        ("accounts", "subjectbinding", "review_binding"),
        ("accounts", "subjectbinding", "view_subjectbinding"),
    ],
    "authority_reviewer": [
        ("repair", "case", "view_case"),
        ("repair", "case", "decide_case"),
    ],
    "administrator": [
        ("repair", "case", "view_case"),
        ("repair", "case", "view_all_cases"),
        ("repair", "officialyear", "view_officialyear"),
        ("repair", "officialyear", "add_officialyear"),
        ("repair", "officialyear", "change_officialyear"),
        ("accounts", "subjectbinding", "review_binding"),
        ("accounts", "subjectbinding", "view_subjectbinding"),
        ("accounts", "staffprofile", "view_staffprofile"),
        ("accounts", "staffprofile", "add_staffprofile"),
        ("accounts", "staffprofile", "change_staffprofile"),
        ("auth", "user", "view_user"),
        ("auth", "user", "add_user"),
        ("auth", "user", "change_user"),
        ("auth", "group", "view_group"),
        ("disclosure", "category", "view_category"),
        ("disclosure", "category", "change_category"),
        ("disclosure", "creditlist", "view_creditlist"),
        ("disclosure", "creditlist", "add_creditlist"),
        ("disclosure", "creditlist", "change_creditlist"),
        ("disclosure", "listing", "view_listing"),
        ("disclosure", "listing", "add_listing"),
        ("disclosure", "listing", "change_listing"),
        ("disclosure", "authority", "view_authority"),
        ("disclosure", "authority", "add_authority"),
        ("disclosure", "authority", "change_authority"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create them now so that the groups can refer to them.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, content_type__model=model, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("repair", "0001_initial"),
        ("accounts", "0001_initial"),
        ("disclosure", "0004_search_trgm_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
