"""Issue 18: a form version's wording per language; a consent records its language.

The wording each version held becomes its English text, and every consent signed
so far was signed in English. On PostgreSQL the database refuses to change a
text once written, as it does for signed consents (0002).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ENGLISH = "en-gb"
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]

TRIGGER = (
    "CREATE TRIGGER consent_templatetext_immutable BEFORE UPDATE ON "
    "consent_templatetext FOR EACH ROW EXECUTE FUNCTION consent_refuse_update();"
)
DROP_TRIGGER = (
    "DROP TRIGGER IF EXISTS consent_templatetext_immutable ON consent_templatetext;"
)


def wording_into_english(apps, schema_editor):
    ConsentTemplate = apps.get_model("consent", "ConsentTemplate")
    TemplateText = apps.get_model("consent", "TemplateText")
    for template in ConsentTemplate.objects.order_by("pk").iterator():
        TemplateText.objects.create(
            template=template,
            language=ENGLISH,
            title=template.title,
            body=template.body,
            created_by_id=template.created_by_id,
        )


def wording_back(apps, schema_editor):
    """Back to one wording per version: the English text, else the first written."""
    ConsentTemplate = apps.get_model("consent", "ConsentTemplate")
    TemplateText = apps.get_model("consent", "TemplateText")
    for template in ConsentTemplate.objects.order_by("pk").iterator():
        texts = TemplateText.objects.filter(template=template)
        text = texts.filter(language=ENGLISH).first() or texts.order_by("pk").first()
        if text is not None:
            ConsentTemplate.objects.filter(pk=template.pk).update(
                title=text.title, body=text.body
            )


def refuse_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def allow_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_second_factor_sessions_invitations"),
        ("consent", "0003_withdrawal_by_patient_link"),
    ]

    operations = [
        migrations.CreateModel(
            name="TemplateText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("language", models.CharField(choices=LANGUAGES, max_length=8)),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.member",
                    ),
                ),
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="texts",
                        to="consent.consenttemplate",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("template", "language"), name="consent_templatetext_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(language__in=LANGUAGE_CODES),
                        name="consent_templatetext_language_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(wording_into_english, wording_back),
        migrations.RunPython(refuse_updates, allow_updates),
        migrations.AlterModelOptions(
            name="consenttemplate",
            options={"ordering": ["created_at", "-version"]},
        ),
        migrations.RemoveField(model_name="consenttemplate", name="title"),
        migrations.RemoveField(model_name="consenttemplate", name="body"),
        # Every consent signed before this migration read the English wording.
        migrations.AddField(
            model_name="consent",
            name="language",
            field=models.CharField(choices=LANGUAGES, default=ENGLISH, max_length=8),
            preserve_default=False,
        ),
    ]
