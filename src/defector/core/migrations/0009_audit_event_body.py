"""Audit events keep the bytes their hash covers: the chain's format 2 (issue 15).

``body`` holds each new event's encoding exactly as hashed (``core.chain.event_body``), so that
``defector audit verify`` is SHA-256 over what the database hands back. Events stored before keep
``body`` empty (format 1) and their hash; verification re-hashes them from their fields, as ever.
No row is changed (on PostgreSQL the append-only trigger would refuse it anyway).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_sweep_lease'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='body',
            field=models.BinaryField(blank=True, help_text="The bytes the hash covers (core.chain.event_body), for events appended since the chain's format 2; empty for the events before it (format 1).", null=True),
        ),
    ]
