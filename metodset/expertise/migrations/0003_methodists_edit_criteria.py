"""The district methodists' admin group may add and change criteria sets and their
criteria (a district keeps its own rubrics)."""

from typing import Any

from django.db import migrations

GROUP = "Методисты управления образования"
MODELS = ("criteriaset", "criterion")


def forwards(apps: Any, schema_editor: Any) -> None:
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("expertise")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = saved
    group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        for action in ("add", "change", "view"):
            group.permissions.add(
                permission.objects.get(
                    content_type__app_label="expertise", codename=f"{action}_{model}"
                )
            )


def backwards(apps: Any, schema_editor: Any) -> None:
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="expertise",
                codename__in=[
                    f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")
                ],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("expertise", "0002_default_criteria"), ("accounts", "0003_methodist_group")]
    operations = [migrations.RunPython(forwards, backwards)]
