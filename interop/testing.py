"""A real PACS for tests and benchmarks: Debian's Orthanc with its DICOMweb plugin.

`running_orthanc(folder)` starts `Orthanc` as a plain process with a config it
writes into `folder` (free HTTP and DICOM ports on loopback, storage in the
folder, no authentication, no remote access) and yields once GET /system
answers. `orthanc_missing()` says why it cannot run here, or "".
"""

import contextlib
import json
import shutil
import subprocess
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
