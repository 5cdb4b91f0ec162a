"""The audit pages in the member's own language (issue 18)."""

from audit.actions import Action
from audit.services import record_event


def test_the_audit_log_reads_in_german_for_a_german_member(client_for, compliance):
    compliance.language = "de"
    compliance.save(update_fields=["language"])
    record_event(action=Action.SHARE_OPENED, actor=compliance)

    body = client_for(compliance).get("/audit/").content.decode()

    for german in (
        "<h1>Audit-Protokoll</h1>",
        "Ereignisse anzeigen",  # the filter's button
        "Freigabelink geöffnet",  # an action's label in the readable log
        "Kette jetzt prüfen",
    ):
        assert german in body, german
    for english in ("Show events", "Share link opened", "Verify chain now"):
        assert english not in body, english


def test_the_audit_report_is_in_the_members_language(client_for, compliance):
    from audit.tests.test_views import pdf_text

    compliance.language = "fr"
    compliance.save(update_fields=["language"])

    text = pdf_text(client_for(compliance).get("/audit/export.pdf").content)

    assert "Rapportd'audit" in text and "Auditreport" not in text
