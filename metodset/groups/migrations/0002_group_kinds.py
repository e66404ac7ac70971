"""The kinds of group the seeds name; a district adds its own in the admin."""

from typing import Any

from django.db import migrations

KINDS = [
    # code, name, plural, abbreviation, founding, different orgs, within org, students, term
    ("rmo", "Районное методическое объединение", "Районные методические объединения", "РМО",
     "district", False, False, False, False,
     "Объединение педагогов района по предмету или направлению; руководителя назначает "
     "отдел образования."),
    ("rpg", "Районная проблемная группа", "Районные проблемные группы", "РПГ",
     "application", True, False, False, True,
     "Два и более педагога из разных организаций работают над одной педагогической проблемой; "
     "создаётся по заявлению приказом отдела образования (п. 3.1–3.2 Положения)."),
    ("creative-lab", "Творческая лаборатория", "Творческие лаборатории", "",
     "network", False, False, False, False,
     "Творческая группа педагогов сети, созданная по их инициативе."),
    ("ptg", "Проблемно-творческая группа", "Проблемно-творческие группы", "ПТГ",
     "school", False, True, False, False,
     "Группа педагогов внутри одной образовательной организации."),
    ("community", "Сетевое сообщество", "Сетевые сообщества", "",
     "network", False, False, True, False,
     "Открытое сообщество, например подготовки к олимпиадам; могут вступать обучающиеся."),
    ("seminar", "Постоянно действующий семинар", "Постоянно действующие семинары", "",
     "district", False, False, False, False,
     "Семинар, который проводится регулярно по плану на учебный год."),
    ("workshop", "Педагогическая мастерская", "Педагогические мастерские", "",
     "network", False, False, False, False,
     "Мастер передаёт коллегам свой опыт в совместной работе."),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    GroupKind = apps.get_model("groups", "GroupKind")
    for order, row in enumerate(KINDS):
        code, name, plural, abbreviation, founding, different, within, students, term, text = row
        GroupKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_plural": plural,
                "abbreviation": abbreviation,
                "founding": founding,
                "requires_different_organizations": different,
                "within_organization": within,
                "open_to_students": students,
                "has_term_and_product": term,
                "description": text,
                "ordering": (order + 1) * 10,
            },
        )


def remove_kinds(apps: Any, schema_editor: Any) -> None:
    apps.get_model("groups", "GroupKind").objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]
    operations = [migrations.RunPython(forwards, remove_kinds)]
