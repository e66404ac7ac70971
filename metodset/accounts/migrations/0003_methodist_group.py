"""The admin group of district methodists: they maintain the reference rows a district may
extend (kinds of organizations, subjects, academic years) and read the audit trail."""

from django.db import migrations

GROUP = "Методисты управления образования"
PERMISSIONS = [
    ("accounts", "organizationkind", ["add", "change", "view"]),
    ("accounts", "subject", ["add", "change", "view"]),
    ("core", "academicyear", ["add", "change", "view"]),
    ("core", "auditentry", ["view"]),
]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are created after migrations by default; this migration needs them now.
    for app_config in apps.get_app_configs():
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = saved or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = saved
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _created = group_model.objects.get_or_create(name=GROUP)
    for app_label, model, actions in PERMISSIONS:
        for action in actions:
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_reference_data"),
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
