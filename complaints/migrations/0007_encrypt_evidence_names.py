from django.db import migrations

import takedown.crypto


class Migration(migrations.Migration):
    """Evidence file names are often the victim's name and number ("chen-jing-id.jpg"):
    the column becomes text, then the names written before are sealed."""

    dependencies = [
        ('complaints', '0006_response_clock_models'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evidence',
            name='original_name',
            field=takedown.crypto.EncryptedTextField(),
        ),
        takedown.crypto.sealing_operation("complaints", [("Evidence", ("original_name",))]),
    ]
