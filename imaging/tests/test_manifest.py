import json
from pathlib import Path

from django.conf import settings
from PIL import Image

STATIC = Path(settings.BASE_DIR) / "static"


def test_the_web_app_manifest_makes_the_portal_installable():
    manifest = json.loads((STATIC / "manifest.webmanifest").read_text())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/patients/"
    sizes = set()
    for icon in manifest["icons"]:
        with Image.open(STATIC / icon["src"]) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            sizes.add(image.width)
    assert {192, 512} <= sizes


def test_no_service_worker_caches_anything():
    # Nothing of a patient may be cached on the device: no service worker at all.
    scripts = "".join(p.read_text() for p in (STATIC / "js").glob("*.js"))
    assert "serviceWorker" not in scripts and "caches.open" not in scripts


def test_every_page_links_the_manifest(client_for, clinician):
    html = client_for(clinician).get("/patients/").content.decode()
    assert 'rel="manifest"' in html and "manifest.webmanifest" in html
