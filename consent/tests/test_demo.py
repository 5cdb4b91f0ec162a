"""`manage.py demo` seeds consent forms and signed consents, idempotently."""

import io

from django.core.management import call_command

from consent.checks import has_consent
from consent.models import Consent, ConsentTemplate, Withdrawal
from pixiodoc.accounts.models import Practice


def test_demo_seeds_forms_and_consents_once(db):
    call_command("demo", "--patients", "16", stdout=io.StringIO())
    practice = Practice.objects.get(slug="demo")
    assert ConsentTemplate.objects.filter(practice=practice).count() == 4
    consents = Consent.objects.filter(patient__practice=practice)
    assert consents.count() == 14  # every eighth patient has none yet
    assert consents.filter(answers__granted=False).exists()
    assert Withdrawal.objects.filter(purpose="teaching").count() == 2
    patient = consents.first().patient
    assert has_consent(patient, "treatment")
    # The forms are worded in the four languages, and patients signed in each.
    for template in ConsentTemplate.objects.filter(practice=practice):
        assert template.languages == ["en-gb", "de", "fr", "es"]
    signed_in = set(consents.values_list("language", flat=True))
    assert signed_in == {"en-gb", "de", "fr", "es"}
    call_command("demo", "--patients", "16", stdout=io.StringIO())
    assert Consent.objects.filter(patient__practice=practice).count() == 14
    assert ConsentTemplate.objects.filter(practice=practice).count() == 4
