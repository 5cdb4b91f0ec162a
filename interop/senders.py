"""Sending one DICOM object to a PACS: DICOMweb STOW-RS or DIMSE C-STORE.

`send(destination=..., dataset=...)` returns when the PACS has stored it, raises
PacsUnavailable when it could not be reached (the job tries again later) and
InteropError when it answered but refused (retrying would not help). Reasons
are PHI-free: they name what went wrong, never the object's contents.
"""

import requests
from dicomweb_client.api import DICOMwebClient
from django.utils.translation import gettext
from pydicom.dataset import Dataset
from pynetdicom import AE

from interop.dicom import VL_PHOTOGRAPHIC
from interop.exceptions import InteropError, PacsUnavailable

TIMEOUT = 30  # seconds to connect or to wait for an answer
# C-STORE statuses that mean "stored" (PS3.4 B.2.3): success and its warnings.
STORED = {0x0000, 0xB000, 0xB006, 0xB007}


def send(*, destination, dataset: Dataset) -> None:
    if destination.protocol == destination.Protocol.DICOMWEB:
        stow(destination=destination, dataset=dataset)
    else:
        c_store(destination=destination, dataset=dataset)


def _session(destination) -> requests.Session:
    session = requests.Session()
    if destination.auth == destination.Auth.BASIC:
        session.auth = (destination.username, destination.secret)
    elif destination.auth == destination.Auth.BEARER:
        session.headers["Authorization"] = f"Bearer {destination.secret}"
    return session


def stow(*, destination, dataset: Dataset) -> None:
    client = DICOMwebClient(
        url=destination.url.rstrip("/"),
        session=_session(destination),
        timeout=TIMEOUT,
        chunk_size=64 * 1024 * 1024,  # one request body, no chunked encoding
    )
    # Our own retries run in the job with a back-off; none inside the request.
    client.set_http_retry_params(retry=False)
    try:
        answer = client.store_instances([dataset])
    except requests.HTTPError as error:
        code = error.response.status_code if error.response is not None else 0
        if code in (401, 403):
            raise InteropError(
                gettext(
                    "The PACS refused our credentials (HTTP %(code)s); check the "
                    "destination's user name, password or token."
                )
                % {"code": code}
            ) from None
        if code >= 500 or code in (404, 408, 429):
            raise PacsUnavailable(
                gettext("The PACS answered HTTP %(code)s.") % {"code": code}
            ) from None
        raise InteropError(
            gettext("The PACS refused the photo (HTTP %(code)s).") % {"code": code}
        ) from None
    except (requests.ConnectionError, requests.Timeout):
        raise PacsUnavailable(gettext("The PACS could not be reached.")) from None
    failed = [
        item
        for item in answer.get("FailedSOPSequence", [])
        if item.get("ReferencedSOPInstanceUID") == dataset.SOPInstanceUID
    ]
    if failed:
        reason = failed[0].get("FailureReason", 0)
        raise InteropError(
            gettext("The PACS refused the photo (failure %(code)s).")
            % {"code": f"0x{reason:04X}"}
        )


def c_store(*, destination, dataset: Dataset) -> None:
    ae = AE(ae_title=destination.calling_ae_title)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = TIMEOUT
    ae.connection_timeout = TIMEOUT
    ae.add_requested_context(VL_PHOTOGRAPHIC, dataset.file_meta.TransferSyntaxUID)
    association = ae.associate(
        destination.host, destination.port, ae_title=destination.ae_title
    )
    if association.is_rejected:
        raise InteropError(
            "The PACS rejected the association; check the AE titles "
            f"({destination.calling_ae_title} calling {destination.ae_title})."
        )
    if not association.is_established:
        raise PacsUnavailable(gettext("The PACS could not be reached."))
    if not association.accepted_contexts:
        association.release()
        raise InteropError(
            gettext("The PACS does not accept VL Photographic Images in JPEG Baseline.")
        )
    try:
        status = association.send_c_store(dataset)
    finally:
        association.release()
    if not status or "Status" not in status:
        raise PacsUnavailable(gettext("The PACS did not answer."))
    if status.Status not in STORED:
        raise InteropError(
            gettext("The PACS refused the photo (C-STORE status %(code)s).")
            % {"code": f"0x{status.Status:04X}"}
        )
