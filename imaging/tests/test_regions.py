"""The one-tap sites of the camera page's first-photo picker (issue 12)."""

from django.utils import translation

from imaging import regions


def test_every_region_is_one_tap_with_its_side():
    midline, sided = regions.sites()
    # A paired region is offered left and right; the others once, with no side.
    assert [(s.region, s.side) for s in sided if s.region == "knee"] == [
        ("knee", "left"),
        ("knee", "right"),
    ]
    assert {s.side for s in midline} == {""}
    offered = {s.region for s in midline} | {s.region for s in sided}
    assert offered == set(regions.BY_KEY)
    assert len(sided) == 2 * len(regions.PAIRED)


def test_sites_are_labelled_with_the_side_first():
    _, sided = regions.sites()
    with translation.override("en-gb"):
        labels = [str(s.label) for s in sided[:2]]
    assert labels == ["Left eye region", "Right eye region"]
    assert set(regions.BY_KEY) >= regions.PAIRED
