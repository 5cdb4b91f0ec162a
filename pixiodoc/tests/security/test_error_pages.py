"""Error pages and logs show no stack trace and no PHI (S37, S27)."""

import logging
import uuid

import pytest
from django.test import Client

from patients.tests.factories import make_patient
from pixiodoc.tests.security.error_urls import PHI


def console_handler():
    return next(h for h in logging.getLogger().handlers if h.name == "console")


def formatted(records):
    handler = console_handler()
    return "\n".join(handler.format(record) for record in records)


# S37
@pytest.mark.urls("pixiodoc.tests.security.error_urls")
def test_a_crashing_view_gives_the_plain_500_page_and_no_phi_in_logs(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/test-explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert response["X-Request-Id"] in body  # the reference staff can quote
    for leak in ("Traceback", "RuntimeError", "explode", PHI.split()[0], "DEMO-7777"):
        assert leak not in body
    logged = formatted(caplog.records)
    assert "Traceback" in logged and "RuntimeError" in logged  # ops still see where
    assert "DEMO-7777" not in logged and "Quartermaine" not in logged


# S37
def test_not_found_is_the_plain_404_page(client_for, clinician):
    response = client_for(clinician).get(f"/patients/{uuid.uuid4()}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not found" in body
    assert "Traceback" not in body and "urlpatterns" not in body.lower()


# S37
def test_unknown_url_is_the_plain_404_page_even_signed_out(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert "Using the URLconf" not in response.content.decode()  # no DEBUG page


# S37 S27
def test_working_with_a_patient_logs_no_phi(client_for, clinician, caplog):
    patient = make_patient(
        actor=clinician,
        given_name="Wilhelmina",
        family_name="Zabriskie",
        record_number="REC-424242",
    )
    client = client_for(clinician)
    with caplog.at_level(logging.DEBUG):
        client.get("/patients/", {"q": "Zabriskie"})
        client.get(f"/patients/{patient.uuid}/")
        client.get(f"/patients/{patient.uuid}/edit/")
        client.post(f"/patients/{patient.uuid}/edit/", {"given_name": "Wilhelmina"})
        client.get("/healthz")
    logged = formatted(caplog.records)
    for phi in ("Wilhelmina", "Zabriskie", "REC-424242"):
        assert phi not in logged
