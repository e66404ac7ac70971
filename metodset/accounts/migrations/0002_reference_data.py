"""Kinds of organizations and the federal list of school subjects."""

from django.db import migrations

KINDS = [
    # code, name, plural, is_education_authority, has_students, ordering
    ("education_department", "Управление образования", "Управления образования", True, False, 10),
    ("resource_centre", "Районный методический центр (РМЦ)", "Методические центры", False, False, 20),
    ("school", "Общеобразовательная школа", "Общеобразовательные школы", False, True, 30),
    ("gymnasium", "Гимназия", "Гимназии", False, True, 40),
    ("lyceum", "Лицей", "Лицеи", False, True, 50),
    ("boarding_school", "Школа-интернат", "Школы-интернаты", False, True, 60),
    ("kindergarten", "Детский сад (ДОУ)", "Детские сады", False, True, 70),
    ("additional_education", "Учреждение дополнительного образования", "Учреждения дополнительного образования", False, True, 80),
    ("college", "Колледж, техникум (СПО)", "Колледжи и техникумы", False, True, 90),
    ("regional_institute", "Региональный институт (ИРО, ТОИПКРО)", "Региональные институты", False, False, 100),
    ("regional_authority", "Департамент (министерство) образования региона", "Органы управления образованием региона", True, False, 110),
]

SUBJECTS = [
    "Русский язык", "Литературное чтение", "Литература", "Родной язык", "Родная литература",
    "Иностранный язык (английский)", "Иностранный язык (немецкий)", "Иностранный язык (французский)",
    "Второй иностранный язык", "Математика", "Алгебра", "Геометрия", "Вероятность и статистика",
    "Информатика", "История", "Обществознание", "География", "Окружающий мир", "Биология",
    "Физика", "Химия", "Астрономия", "Изобразительное искусство", "Музыка", "Труд (технология)",
    "Физическая культура", "Основы безопасности и защиты Родины",
    "Основы религиозных культур и светской этики", "Основы духовно-нравственной культуры народов России",
    "Индивидуальный проект", "Начальные классы", "Дошкольное образование", "Дополнительное образование",
    "Коррекционная педагогика", "Воспитательная работа",
]


def forwards(apps, schema_editor):
    kind_model = apps.get_model("accounts", "OrganizationKind")
    for code, name, plural, authority, students, ordering in KINDS:
        kind_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_plural": plural, "is_education_authority": authority, "has_students": students, "ordering": ordering},
        )
    subject_model = apps.get_model("accounts", "Subject")
    for ordering, name in enumerate(SUBJECTS, start=1):
        subject_model.objects.update_or_create(name=name, defaults={"ordering": ordering * 10})


def backwards(apps, schema_editor):
    apps.get_model("accounts", "OrganizationKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()
    apps.get_model("accounts", "Subject").objects.filter(name__in=SUBJECTS).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
