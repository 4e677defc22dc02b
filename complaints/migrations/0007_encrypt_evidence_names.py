from django.db import migrations

import takedown.crypto

# Evidence file names are often the victim's name and number ("chen-jing-id-card.jpg"):
# seal those written before this migration, then the field reads and writes ciphertext.
COLUMNS = [('Evidence', ('original_name',))]


def seal(apps, schema_editor):
    takedown.crypto.seal_model_columns(apps, schema_editor.connection, "complaints", COLUMNS)


def unseal(apps, schema_editor):
    takedown.crypto.seal_model_columns(apps, schema_editor.connection, "complaints", COLUMNS, unseal=True)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0006_response_clock_models'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evidence',
            name='original_name',
            field=takedown.crypto.EncryptedTextField(),
        ),
        migrations.RunPython(seal, unseal),
    ]
