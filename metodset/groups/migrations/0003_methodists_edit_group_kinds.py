"""The district methodists' admin group may add and change the kinds (a district extends
the list)."""

from typing import Any

from django.db import migrations

GROUP = "Методисты управления образования"


def forwards(apps: Any, schema_editor: Any) -> None:
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("groups")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = saved
    group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    permission = apps.get_model("auth", "Permission")
    for action in ("add", "change", "view"):
        group.permissions.add(
            permission.objects.get(content_type__app_label="groups", codename=f"{action}_groupkind")
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="groups", codename__endswith="_groupkind"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0002_group_kinds"), ("accounts", "0003_methodist_group")]
    operations = [migrations.RunPython(forwards, backwards)]
