"""A real PACS for tests and benchmarks: Debian's Orthanc with its DICOMweb plugin.

`running_orthanc(folder)` starts `Orthanc` as a plain process with a config it
writes into `folder` (free HTTP and DICOM ports on loopback, storage in the
folder, no authentication, no remote access) and yields once GET /system
answers. `orthanc_missing()` says why it cannot run here, or "".
`running_relay(port)` puts a TCP relay in front of a PACS port that counts the
connections through it and cuts them or refuses new ones when a test says so.
"""

import contextlib
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pixiodoc.testing import free_port, running_server

PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
AET = "ORTHANC"


def orthanc_binary() -> str | None:
    # Debian installs it in /usr/sbin, which a non-root PATH may not hold.
    return shutil.which("Orthanc") or shutil.which("Orthanc", path="/usr/sbin")


def orthanc_missing() -> str:
    if orthanc_binary() is None:
        return "Orthanc missing: apt-get install orthanc orthanc-dicomweb"
    if not PLUGIN.exists():
        return "Orthanc's DICOMweb plugin missing: apt-get install orthanc-dicomweb"
    return ""


@dataclass(frozen=True)
class Orthanc:
    url: str
    dicom_port: int
    aet: str = AET

    @property
    def dicomweb_url(self) -> str:
        return f"{self.url}/dicom-web"

    def get(self, path: str):
        response = requests.get(f"{self.url}{path}", timeout=30)
        response.raise_for_status()
        return (
            response.json()
            if "json" in response.headers["Content-Type"]
            else (response.content)
        )

    def find(self, sop_instance_uid: str) -> list[str]:
        """Orthanc's ids of the instances with this SOP Instance UID."""
        response = requests.post(
            f"{self.url}/tools/find",
            json={"Level": "Instance", "Query": {"SOPInstanceUID": sop_instance_uid}},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


@contextlib.contextmanager
def running_orthanc(folder: Path):
    http_port, dicom_port = free_port(), free_port()
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "Name": "PixioDoc test PACS",
        "StorageDirectory": str(folder / "storage"),
        "IndexDirectory": str(folder / "storage"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "DicomAet": AET,
        "DicomCheckCalledAet": True,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "StorageCompression": False,
        "Plugins": [str(PLUGIN)],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
    }
    path = folder / "orthanc.json"
    path.write_text(json.dumps(config))
    log = (folder / "orthanc.log").open("wb")
    with running_server(
        [orthanc_binary(), str(path)],
        http_port,
        what="Orthanc",
        stdout=log,
        stderr=subprocess.STDOUT,
        # Orthanc's own builds disable Nagle's algorithm on DICOM connections
        # (1.5.6); Debian's links the system DCMTK, which does it only when asked.
        env={**os.environ, "TCP_NODELAY": "1"},
    ) as url:
        _wait_for_system(url)
        yield Orthanc(url=url, dicom_port=dicom_port)
    log.close()


def _wait_for_system(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{url}/system", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("Orthanc did not answer GET /system")
        time.sleep(0.1)


class Relay:
    """A TCP relay to a PACS port on loopback, as a flaky network or PACS would be.

    `connections` counts what was accepted (one per DIMSE association).
    `cut(after=N)` resets the connection that carries the Nth byte to the PACS;
    with `refuse=True` the relay then refuses new connections (the PACS is down)
    until `listen()` is called again.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self.connections = 0
        self._cut_after = None
        self._refuse_after_cut = False
        self._listener = None

    def listen(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(
            target=self._accept, args=(self._listener,), daemon=True
        ).start()

    def refuse(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept()
            self._listener.close()
            self._listener = None

    def cut(self, *, after: int, refuse: bool = False) -> None:
        self._cut_after, self._refuse_after_cut = after, refuse

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            self.connections += 1
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(
                target=self._pump, args=(client, server), daemon=True
            ).start()

    def _pump(self, client, server) -> None:
        carried = 0
        try:
            while True:
                readable, _, _ = select.select([client, server], [], [])
                for sock in readable:
                    data = sock.recv(1 << 16)
                    if not data:
                        return
                    if sock is client:
                        carried += len(data)
                        if self._cut_after is not None and carried >= self._cut_after:
                            self._cut_after = None
                            if self._refuse_after_cut:
                                self.refuse()
                            return
                        server.sendall(data)
                    else:
                        client.sendall(data)
        except OSError:
            return
        finally:
            for sock in (client, server):
                # A reset, not an orderly close: the peer sees the line drop.
                sock.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                sock.close()


@contextlib.contextmanager
def running_relay(target_port: int):
    relay = Relay(target_port)
    relay.listen()
    try:
        yield relay
    finally:
        relay.refuse()
