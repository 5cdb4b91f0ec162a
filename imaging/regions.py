"""The fixed list of body regions a photo is filed under, with SNOMED CT codes.

Codes are SNOMED CT body-structure concepts (International Edition). The list is
deliberately short and stable: a repeat photo is lined up against the previous
photo of the same region and side, so regions must not multiply. Changing the
list needs a migration (the database constrains the column to these keys).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class BodyRegion:
    key: str
    label: str
    snomed: str


REGIONS: tuple[BodyRegion, ...] = (
    BodyRegion("scalp", "Scalp", "41695006"),
    BodyRegion("face", "Face", "89545001"),
    BodyRegion("eye", "Eye region", "81745001"),
    BodyRegion("nose", "Nose", "45206002"),
    BodyRegion("ear", "Ear", "117590005"),
    BodyRegion("lip", "Lip", "48477009"),
    BodyRegion("mouth", "Mouth", "123851003"),
    BodyRegion("neck", "Neck", "45048000"),
    BodyRegion("shoulder", "Shoulder", "16982005"),
    BodyRegion("chest", "Chest", "51185008"),
    BodyRegion("breast", "Breast", "76752008"),
    BodyRegion("abdomen", "Abdomen", "113345001"),
    BodyRegion("back", "Back", "77568009"),
    BodyRegion("buttock", "Buttock", "46862004"),
    BodyRegion("upper_arm", "Upper arm", "40983000"),
    BodyRegion("elbow", "Elbow", "127949000"),
    BodyRegion("forearm", "Forearm", "14975008"),
    BodyRegion("hand", "Hand", "85562004"),
    BodyRegion("finger", "Finger", "7569003"),
    BodyRegion("hip", "Hip", "29836001"),
    BodyRegion("thigh", "Thigh", "68367000"),
    BodyRegion("knee", "Knee", "72696002"),
    BodyRegion("lower_leg", "Lower leg", "30021000"),
    BodyRegion("ankle", "Ankle", "344001"),
    BodyRegion("foot", "Foot", "56459004"),
    BodyRegion("toe", "Toe", "29707007"),
    BodyRegion("skin_other", "Skin, other site", "39937001"),
)

# SNOMED CT laterality qualifiers (272741003 "Laterality").
SIDES: tuple[tuple[str, str, str], ...] = (
    ("left", "Left", "7771000"),
    ("right", "Right", "24028007"),
    ("both", "Both sides", "51440002"),
)

# Regions the body has one of on each side: their photos need a left or right.
# The others sit on the midline or span it; their photos usually need no side.
PAIRED = frozenset(
    {
        "eye", "ear", "shoulder", "breast", "buttock", "upper_arm", "elbow",
        "forearm", "hand", "finger", "hip", "thigh", "knee", "lower_leg", "ankle",
        "foot", "toe",
    }
)  # fmt: skip

BY_KEY = {r.key: r for r in REGIONS}
BY_SNOMED = {r.snomed: r for r in REGIONS}
CHOICES = [(r.key, r.label) for r in REGIONS]
SIDE_CHOICES = [("", "Not applicable")] + [(k, label) for k, label, _ in SIDES]


@dataclass(frozen=True)
class Site:
    """Where a photo is taken, region and side together: one tap on the camera page."""

    region: str
    side: str
    label: str


def sites() -> tuple[list[Site], list[Site]]:
    """(sites without a side, sites with one), each head to toe.

    A paired region gives a left and a right site ("Left knee", "Right knee");
    the rarer "both sides" stays on the side control of the camera page.
    """
    midline = [Site(r.key, "", r.label) for r in REGIONS if r.key not in PAIRED]
    sided = [
        Site(r.key, side, f"{side_name} {r.label.lower()}")
        for r in REGIONS
        if r.key in PAIRED
        for side, side_name in (("left", "Left"), ("right", "Right"))
    ]
    return midline, sided


def resolve(code: str) -> BodyRegion | None:
    """A region from its key (`hand`) or its SNOMED CT code (`85562004`)."""
    code = (code or "").strip().lower()
    return BY_KEY.get(code) or BY_SNOMED.get(code)


def label(key: str) -> str:
    region = BY_KEY.get(key)
    return region.label if region else key


# Captions spell the side out; "" means the photographer chose "Not applicable".
SIDE_CAPTIONS = {"left": "left", "right": "right", "both": "both sides", "": "no side"}


def side_label(key: str) -> str:
    return SIDE_CAPTIONS.get(key, key)
