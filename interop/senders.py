"""Sending DICOM objects to a PACS over one connection: DICOMweb STOW-RS or DIMSE C-STORE.

    with senders.connection(destination) as pacs:
        for dataset in datasets:
            pacs.send(dataset)

A connection is opened on the first send and kept for the next (one C-STORE
association, one HTTP keep-alive session), and closed when the block ends.
`send` returns when the PACS has stored the object, raises PacsUnavailable
when it could not be reached (the job tries again later) and InteropError when
it answered but refused (retrying would not help). Reasons are PHI-free: they
name what went wrong, never the object's contents.
"""

import contextlib
import socket

import requests
from dicomweb_client.api import DICOMwebClient
from pydicom.dataset import Dataset
from pynetdicom import AE, evt

from interop.dicom import VL_PHOTOGRAPHIC
from interop.exceptions import InteropError, PacsUnavailable

TIMEOUT = 30  # seconds to connect or to wait for an answer
# C-STORE statuses that mean "stored" (PS3.4 B.2.3): success and its warnings.
STORED = {0x0000, 0xB000, 0xB006, 0xB007}


@contextlib.contextmanager
def connection(destination):
    """A sender for the destination; its connection is closed on the way out."""
    if destination.protocol == destination.Protocol.DICOMWEB:
        sender = StowSender(destination)
    else:
        sender = CStoreSender(destination)
    try:
        yield sender
    finally:
        sender.close()


def _session(destination) -> requests.Session:
    session = requests.Session()
    if destination.auth == destination.Auth.BASIC:
        session.auth = (destination.username, destination.secret)
    elif destination.auth == destination.Auth.BEARER:
        session.headers["Authorization"] = f"Bearer {destination.secret}"
    return session


class StowSender:
    """STOW-RS, one object per request over one keep-alive session."""

    def __init__(self, destination):
        self._session = _session(destination)
        self._client = DICOMwebClient(
            url=destination.url.rstrip("/"),
            session=self._session,
            timeout=TIMEOUT,
            chunk_size=64 * 1024 * 1024,  # one request body, no chunked encoding
        )
        # Our own retries run in the job with a back-off; none inside the request.
        self._client.set_http_retry_params(retry=False)

    def send(self, dataset: Dataset) -> None:
        try:
            answer = self._client.store_instances([dataset])
        except requests.HTTPError as error:
            code = error.response.status_code if error.response is not None else 0
            if code in (401, 403):
                raise InteropError(
                    f"The PACS refused our credentials (HTTP {code}); check the "
                    "destination's user name, password or token."
                ) from None
            if code >= 500 or code in (404, 408, 429):
                raise PacsUnavailable(f"The PACS answered HTTP {code}.") from None
            raise InteropError(f"The PACS refused the photo (HTTP {code}).") from None
        except (requests.ConnectionError, requests.Timeout):
            raise PacsUnavailable("The PACS could not be reached.") from None
        failed = [
            item
            for item in answer.get("FailedSOPSequence", [])
            if item.get("ReferencedSOPInstanceUID") == dataset.SOPInstanceUID
        ]
        if failed:
            reason = failed[0].get("FailureReason", 0)
            raise InteropError(f"The PACS refused the photo (failure 0x{reason:04X}).")

    def close(self) -> None:
        self._session.close()


def _no_delay(event) -> None:
    # Without it the last, short PDU of each object waits for the PACS's
    # delayed ACK (Nagle's algorithm): tens of milliseconds per photo.
    event.assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class CStoreSender:
    """C-STORE over one association, opened again once when it drops mid-send."""

    def __init__(self, destination):
        self.destination = destination
        self._association = None
        self._message_id = 0

    def send(self, dataset: Dataset) -> None:
        for retry in (False, True):
            association = self._open(dataset)
            self._message_id = self._message_id % 0xFFFF + 1  # an unsigned short
            status = association.send_c_store(dataset, msg_id=self._message_id)
            if status and "Status" in status:
                break
            # Dropped or no answer: the object may or may not be stored; sending it
            # again is harmless (the same SOP Instance UID is filed once).
            self._association = None
            association.abort()
            if retry:
                raise PacsUnavailable("The PACS did not answer.")
        if status.Status not in STORED:
            raise InteropError(
                f"The PACS refused the photo (C-STORE status 0x{status.Status:04X})."
            )

    def _open(self, dataset: Dataset):
        if self._association is not None and self._association.is_established:
            return self._association
        destination = self.destination
        ae = AE(ae_title=destination.calling_ae_title)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = TIMEOUT
        ae.connection_timeout = TIMEOUT
        ae.add_requested_context(VL_PHOTOGRAPHIC, dataset.file_meta.TransferSyntaxUID)
        association = ae.associate(
            destination.host,
            destination.port,
            ae_title=destination.ae_title,
            evt_handlers=[(evt.EVT_CONN_OPEN, _no_delay)],
        )
        if association.is_rejected:
            raise InteropError(
                "The PACS rejected the association; check the AE titles "
                f"({destination.calling_ae_title} calling {destination.ae_title})."
            )
        if not association.is_established:
            raise PacsUnavailable("The PACS could not be reached.")
        if not association.accepted_contexts:
            association.release()
            raise InteropError(
                "The PACS does not accept VL Photographic Images in JPEG Baseline."
            )
        self._association = association
        return association

    def close(self) -> None:
        if self._association is not None and self._association.is_established:
            self._association.release()
        self._association = None
