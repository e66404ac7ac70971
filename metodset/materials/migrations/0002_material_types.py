"""The kinds of products the issue lists (002_… §1.5); a district may add its own."""

from django.db import migrations

TYPES = [
    ("lesson-plan", "Конспект урока"),
    ("technological-map", "Технологическая карта урока"),
    ("presentation", "Презентация"),
    ("work-programme", "Рабочая программа"),
    ("kim", "КИМ, тест"),
    ("assessment-sheet", "Лист оценки"),
    ("project", "Проект"),
    ("lesson-video", "Видеозапись урока"),
    ("extracurricular-video", "Видеозапись внеурочного занятия"),
    ("event-scenario", "Сценарий мероприятия"),
    ("methodical-development", "Методическая разработка"),
    ("article", "Статья, опыт работы"),
    ("other", "Другое"),
]


def forwards(apps, schema_editor):
    model = apps.get_model("materials", "MaterialType")
    for ordering, (code, name) in enumerate(TYPES, start=1):
        model.objects.update_or_create(code=code, defaults={"name": name, "ordering": ordering * 10})


def backwards(apps, schema_editor):
    apps.get_model("materials", "MaterialType").objects.filter(code__in=[code for code, _ in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("materials", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
