"""On PostgreSQL the database itself refuses to change a signed consent (S30).

UPDATE of a consent or one of its answers raises; DELETE stays possible because
erasure removes the patient's rows (CASCADE).
"""

from django.db import migrations

TABLES = ("consent_consent", "consent_consentanswer")

FORWARD = """
CREATE OR REPLACE FUNCTION consent_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a signed consent cannot be changed (S30)';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_immutable BEFORE UPDATE ON {t} "
    "FOR EACH ROW EXECUTE FUNCTION consent_refuse_update();\n"
    for t in TABLES
)

BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {t}_immutable ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS consent_refuse_update();"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
