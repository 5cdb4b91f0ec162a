import pytest

from imaging.testing import readable_blobs
from pixiodoc.testing import store_blobs_in


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    """Each test stores blobs in its own folder; afterwards none may be readable (S16)."""
    root = store_blobs_in(settings, tmp_path / "blobs")
    yield root
    assert readable_blobs(root) == []


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory):
    """A real PACS (Orthanc with DICOMweb) for a test module; skipped where missing.

    Shared by the module's tests (it takes seconds to stop): tests look up what
    they sent by UID, never count everything the PACS holds.
    """
    from interop.testing import orthanc_missing, running_orthanc

    if reason := orthanc_missing():
        pytest.skip(reason)
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server
