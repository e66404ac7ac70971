"""The kinds of event the seeds name; a district adds its own in the admin."""

from typing import Any

from django.db import migrations

KINDS = [
    # code, name, usually for students
    ("seminar", "Семинар", False),
    ("master-class", "Мастер-класс", False),
    ("practicum", "Практикум", False),
    ("pedagogical-council", "Педагогический совет", False),
    ("round-table", "Круглый стол", False),
    ("open-day", "День открытых дверей", False),
    ("open-microphone", "Открытый микрофон", False),
    ("course-presentation", "Презентация курсов", False),
    ("fair", "Ярмарка", False),
    ("conference", "Конференция", False),
    ("subject-week", "Предметная неделя", True),
    ("contest", "Конкурс", True),
    ("olympiad", "Олимпиада", True),
    ("portfolio-defence", "Защита портфолио", True),
    ("group-meeting", "Заседание РМО / РПГ", False),
    ("webinar", "Вебинар", False),
    ("other", "Другое", False),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    EventKind = apps.get_model("events", "EventKind")
    for order, (code, name, for_students) in enumerate(KINDS):
        EventKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "for_students": for_students, "ordering": (order + 1) * 10},
        )


def remove_kinds(apps: Any, schema_editor: Any) -> None:
    apps.get_model("events", "EventKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(forwards, remove_kinds)]
