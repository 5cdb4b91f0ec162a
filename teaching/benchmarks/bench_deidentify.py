"""De-identification of a 12-MP photo: face suggestions on the display rendition
(what the editor page waits for) and the derived image from the original (what
saving waits for), median of five in this process after one warm-up run."""

import statistics
import time

import pytest

from imaging import pipeline
from imaging.benchmarks.photos import twelve_megapixel_jpeg
from teaching import deidentify
from teaching.deidentify import Box

ROUNDS = 5
COVERS = [
    Box(0.1, 0.1, 0.2, 0.2, "blur"),
    Box(0.5, 0.4, 0.3, 0.3, "blur"),
    Box(0.7, 0.1, 0.1, 0.5, "black"),
]


def median_ms(work) -> float:
    work()  # warm-up: OpenCV loads its cascade once per process
    runs = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


@pytest.mark.bench
def test_bench_face_suggestions_and_derived_image():
    renditions = pipeline.process(twelve_megapixel_jpeg()).renditions
    display, original = renditions["display"], renditions["original"]

    suggest = median_ms(lambda: deidentify.suggest_faces(display))
    derive = median_ms(
        lambda: deidentify.derive(
            original, crop=Box(0.05, 0.05, 0.9, 0.9), covers=COVERS
        )
    )

    print(
        f"\nde-identification of a 12 MP photo: face suggestions on the 1600 px "
        f"display rendition {suggest:.0f} ms; derived image (3 covers, crop, two "
        f"renditions) from the 4000x3000 original {derive:.0f} ms"
    )
