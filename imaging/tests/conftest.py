import pytest

from imaging.testing import readable_blobs
from patients.tests.language import default_language, speaking  # noqa: F401 - fixtures
from pixiodoc.testing import store_blobs_in


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    """Each test stores blobs in its own folder; afterwards none may be readable (S16)."""
    root = store_blobs_in(settings, tmp_path / "blobs")
    yield root
    # S16: whatever a test did, nothing stored starts like an image or shows metadata.
    assert readable_blobs(root) == []
