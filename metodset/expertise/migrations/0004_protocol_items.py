"""A protocol keeps each product's decision as it stood at the session (`ProtocolItem`)
instead of rebuilding it from the audit trail. Existing protocols get their items from the
current state of their submissions: good enough for the rows made before.

Django cannot add `through=` to an existing many-to-many field, so the plain link table
is copied into the items, dropped, and the field comes back with the items as its
`through` (no table of its own)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def fill_items(apps: Any, schema_editor: Any) -> None:
    """Items in the protocol's order (by title), each with its submission's decision, its
    remarks, its current round and that round's average per cent."""
    Protocol = apps.get_model("expertise", "Protocol")
    ProtocolItem = apps.get_model("expertise", "ProtocolItem")
    Review = apps.get_model("expertise", "Review")
    for protocol in Protocol.objects.order_by("pk"):
        items = []
        chosen = protocol.submissions.order_by("material__title", "pk")
        for position, submission in enumerate(chosen, start=1):
            percents = [
                100 * review.total / review.max_total if review.max_total else 0.0
                for review in Review.objects.filter(
                    assignment__submission=submission, assignment__round=submission.round
                ).order_by("submitted_at")
            ]
            items.append(
                ProtocolItem(
                    protocol=protocol,
                    submission=submission,
                    position=position,
                    round=submission.round,
                    decision=submission.decision,
                    comment=submission.decision_comment,
                    average_percent=sum(percents) / len(percents) if percents else None,
                )
            )
        ProtocolItem.objects.bulk_create(items)


def link_submissions(apps: Any, schema_editor: Any) -> None:
    """Back: the plain link table from the items."""
    Protocol = apps.get_model("expertise", "Protocol")
    ProtocolItem = apps.get_model("expertise", "ProtocolItem")
    Link = Protocol.submissions.through
    Link.objects.bulk_create(
        Link(protocol_id=item.protocol_id, submission_id=item.submission_id)
        for item in ProtocolItem.objects.order_by("pk")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('expertise', '0003_methodists_edit_criteria'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProtocolItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='номер в протоколе')),
                ('round', models.PositiveSmallIntegerField(verbose_name='круг')),
                ('decision', models.CharField(blank=True, choices=[('publication', 'рекомендовано к публикации'), ('conference', 'рекомендовано к представлению на конференции'), ('dissemination', 'рекомендовано к распространению в сети'), ('revision', 'на доработку'), ('rejected', 'отклонено')], max_length=20, verbose_name='решение')),
                ('comment', models.TextField(blank=True, max_length=10000, verbose_name='замечания')),
                ('average_percent', models.FloatField(blank=True, null=True, verbose_name='средний балл, %')),
                ('protocol', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='expertise.protocol')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='protocol_items', to='expertise.submission', verbose_name='материал на экспертизе')),
            ],
            options={
                'verbose_name': 'решение в протоколе',
                'verbose_name_plural': 'решения в протоколах',
                'ordering': ['protocol', 'position'],
                # Here rather than as later steps: PostgreSQL refuses to alter a table
                # with pending trigger events, as the data step leaves it.
                'constraints': [
                    models.UniqueConstraint(fields=('protocol', 'submission'), name='protocol_item_once_per_protocol'),
                    models.UniqueConstraint(fields=('protocol', 'position'), name='protocol_item_position_unique'),
                ],
            },
        ),
        migrations.RunPython(fill_items, link_submissions),
        migrations.RemoveField(model_name='protocol', name='submissions'),
        migrations.AddField(
            model_name='protocol',
            name='submissions',
            field=models.ManyToManyField(related_name='protocols', through='expertise.ProtocolItem', to='expertise.submission'),
        ),
    ]
