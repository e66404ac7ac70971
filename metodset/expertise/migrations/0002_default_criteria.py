"""The platform's default rubric; a district adds its own sets in the admin."""

from typing import Any

from django.db import migrations

TITLE = "Критерии экспертизы методического продукта (по умолчанию)"
CRITERIA = [
    ("Актуальность", "Продукт отвечает на действительную проблему практики, задачам района и школы."),
    ("Соответствие ФГОС", "Цели, планируемые результаты и содержание согласуются с требованиями ФГОС и ФОП."),
    ("Методическая ценность", "Обоснованность приёмов и технологий, логика и целостность, проработанность заданий."),
    ("Новизна", "Авторский подход, новые решения или новое сочетание известных приёмов."),
    ("Практическая значимость", "Другие педагоги могут применить продукт; есть условия и рекомендации по применению."),
    ("Оформление", "Структура, язык, наглядность, ссылки на источники, соблюдение авторских прав."),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    CriteriaSet = apps.get_model("expertise", "CriteriaSet")
    Criterion = apps.get_model("expertise", "Criterion")
    criteria_set, _created = CriteriaSet.objects.get_or_create(
        title=TITLE, district=None, defaults={"purpose": "", "is_active": True}
    )
    for position, (title, description) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            criteria_set=criteria_set,
            title=title,
            defaults={"description": description, "max_score": 5, "position": position},
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("expertise", "CriteriaSet").objects.filter(title=TITLE, district=None).delete()


class Migration(migrations.Migration):
    dependencies = [("expertise", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
