import pytest

from pixiodoc.testing import store_blobs_in


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    """Consent signatures and photos go to a folder of the test's own."""
    return store_blobs_in(settings, tmp_path / "blobs")
