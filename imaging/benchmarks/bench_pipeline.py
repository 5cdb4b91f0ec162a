"""Upload pipeline for a 12-MP JPEG against plain Pillow decode + resize (target ≤ 1.5×).

Same file, same machine, same run: each measurement is a fresh Python process
(so one run's freed memory cannot hide the next one's), alternating between the
two, median of five. Peak memory is the process's peak RSS growth during the
work (Linux VmHWM, reset through /proc/self/clear_refs), so Pillow's C
allocations count. "Plain" is what a naive server does for a display image:
decode the whole file and resize it to 1600 px. Ours validates, orients,
makes three renditions (full-size re-encode included) and encrypts them.
"""

import json
import os
import statistics
import subprocess
import sys

import pytest
from django.conf import settings

from imaging.benchmarks.photos import twelve_megapixel_jpeg

ROUNDS = 5

PROBE = r"""
import io, json, sys, time
from pathlib import Path
def kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
import django
django.setup()
from PIL import Image
from imaging import pipeline
from pixiodoc import crypto
data = Path(sys.argv[2]).read_bytes()
key = crypto.new_data_key()
def plain():
    image = Image.open(io.BytesIO(data))
    image.load()
    image.resize((1600, 1200), Image.Resampling.LANCZOS)
def ours():
    processed = pipeline.process(data)
    for name, blob in processed.renditions.items():
        crypto.encrypt(key, blob, crypto.blob_aad(patient="p", obj="o", label=name))
work = {"plain": plain, "ours": ours}[sys.argv[1]]
Path("/proc/self/clear_refs").write_text("5")
before = kib("VmRSS")
started = time.perf_counter()
work()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "peak_mib": (kib("VmHWM") - before) / 1024}))
"""


def run(kind: str, path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pixiodoc.settings"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.bench
def test_bench_upload_pipeline_against_plain_pillow(tmp_path):
    path = tmp_path / "twelve.jpg"
    path.write_bytes(twelve_megapixel_jpeg())
    results = {"plain": [], "ours": []}
    for _ in range(ROUNDS):
        for kind in results:
            results[kind].append(run(kind, path))
    seconds = {
        k: statistics.median(r["seconds"] for r in v) for k, v in results.items()
    }
    peak = {k: statistics.median(r["peak_mib"] for r in v) for k, v in results.items()}
    print(
        f"\n12 MP JPEG ({path.stat().st_size / 1e6:.1f} MB, 4000x3000): "
        f"upload pipeline {seconds['ours'] * 1000:.0f} ms, peak +{peak['ours']:.0f} MiB; "
        f"plain Pillow decode+resize {seconds['plain'] * 1000:.0f} ms, "
        f"peak +{peak['plain']:.0f} MiB; ratio {seconds['ours'] / seconds['plain']:.2f}x "
        f"time (target <= 1.5x), {peak['ours'] / peak['plain']:.2f}x memory"
    )
