"""The fixed list of body regions a photo is filed under, with SNOMED CT codes.

Codes are SNOMED CT body-structure concepts (International Edition). The list is
deliberately short and stable: a repeat photo is lined up against the previous
photo of the same region and side, so regions must not multiply. Changing the
list needs a migration (the database constrains the column to these keys).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


@dataclass(frozen=True)
class BodyRegion:
    key: str
    # English, as SNOMED CT, DICOM and FHIR name it.
    label: str
    snomed: str
    # What people read, in their language ("Back" the region, not the link).
    name: str


REGIONS: tuple[BodyRegion, ...] = (
    BodyRegion("scalp", "Scalp", "41695006", pgettext_lazy("body region", "Scalp")),
    BodyRegion("face", "Face", "89545001", pgettext_lazy("body region", "Face")),
    BodyRegion(
        "eye", "Eye region", "81745001", pgettext_lazy("body region", "Eye region")
    ),
    BodyRegion("nose", "Nose", "45206002", pgettext_lazy("body region", "Nose")),
    BodyRegion("ear", "Ear", "117590005", pgettext_lazy("body region", "Ear")),
    BodyRegion("lip", "Lip", "48477009", pgettext_lazy("body region", "Lip")),
    BodyRegion("mouth", "Mouth", "123851003", pgettext_lazy("body region", "Mouth")),
    BodyRegion("neck", "Neck", "45048000", pgettext_lazy("body region", "Neck")),
    BodyRegion(
        "shoulder", "Shoulder", "16982005", pgettext_lazy("body region", "Shoulder")
    ),
    BodyRegion("chest", "Chest", "51185008", pgettext_lazy("body region", "Chest")),
    BodyRegion("breast", "Breast", "76752008", pgettext_lazy("body region", "Breast")),
    BodyRegion(
        "abdomen", "Abdomen", "113345001", pgettext_lazy("body region", "Abdomen")
    ),
    BodyRegion("back", "Back", "77568009", pgettext_lazy("body region", "Back")),
    BodyRegion(
        "buttock", "Buttock", "46862004", pgettext_lazy("body region", "Buttock")
    ),
    BodyRegion(
        "upper_arm", "Upper arm", "40983000", pgettext_lazy("body region", "Upper arm")
    ),
    BodyRegion("elbow", "Elbow", "127949000", pgettext_lazy("body region", "Elbow")),
    BodyRegion(
        "forearm", "Forearm", "14975008", pgettext_lazy("body region", "Forearm")
    ),
    BodyRegion("hand", "Hand", "85562004", pgettext_lazy("body region", "Hand")),
    BodyRegion("finger", "Finger", "7569003", pgettext_lazy("body region", "Finger")),
    BodyRegion("hip", "Hip", "29836001", pgettext_lazy("body region", "Hip")),
    BodyRegion("thigh", "Thigh", "68367000", pgettext_lazy("body region", "Thigh")),
    BodyRegion("knee", "Knee", "72696002", pgettext_lazy("body region", "Knee")),
    BodyRegion(
        "lower_leg", "Lower leg", "30021000", pgettext_lazy("body region", "Lower leg")
    ),
    BodyRegion("ankle", "Ankle", "344001", pgettext_lazy("body region", "Ankle")),
    BodyRegion("foot", "Foot", "56459004", pgettext_lazy("body region", "Foot")),
    BodyRegion("toe", "Toe", "29707007", pgettext_lazy("body region", "Toe")),
    BodyRegion(
        "skin_other",
        "Skin, other site",
        "39937001",
        pgettext_lazy("body region", "Skin, other site"),
    ),
)

# SNOMED CT laterality qualifiers (272741003 "Laterality"), named in English as
# the coding systems name them; SIDE_CHOICES is what people read.
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
CHOICES = [(r.key, r.name) for r in REGIONS]
SIDE_CHOICES = [
    ("", _("Not applicable")),
    ("left", pgettext_lazy("side", "Left")),
    ("right", pgettext_lazy("side", "Right")),
    ("both", _("Both sides")),
]


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
    midline = [Site(r.key, "", r.name) for r in REGIONS if r.key not in PAIRED]
    sided = [
        Site(r.key, side, SIDED_LABELS[r.key, side])
        for r in REGIONS
        if r.key in PAIRED
        for side in ("left", "right")
    ]
    return midline, sided


# Each paired region with its side, whole: languages agree the side with the
# region's gender and put it before or after ("Left knee", "Knie links").
SIDED_LABELS = {
    ("eye", "left"): _("Left eye region"),
    ("eye", "right"): _("Right eye region"),
    ("ear", "left"): _("Left ear"),
    ("ear", "right"): _("Right ear"),
    ("shoulder", "left"): _("Left shoulder"),
    ("shoulder", "right"): _("Right shoulder"),
    ("breast", "left"): _("Left breast"),
    ("breast", "right"): _("Right breast"),
    ("buttock", "left"): _("Left buttock"),
    ("buttock", "right"): _("Right buttock"),
    ("upper_arm", "left"): _("Left upper arm"),
    ("upper_arm", "right"): _("Right upper arm"),
    ("elbow", "left"): _("Left elbow"),
    ("elbow", "right"): _("Right elbow"),
    ("forearm", "left"): _("Left forearm"),
    ("forearm", "right"): _("Right forearm"),
    ("hand", "left"): _("Left hand"),
    ("hand", "right"): _("Right hand"),
    ("finger", "left"): _("Left finger"),
    ("finger", "right"): _("Right finger"),
    ("hip", "left"): _("Left hip"),
    ("hip", "right"): _("Right hip"),
    ("thigh", "left"): _("Left thigh"),
    ("thigh", "right"): _("Right thigh"),
    ("knee", "left"): _("Left knee"),
    ("knee", "right"): _("Right knee"),
    ("lower_leg", "left"): _("Left lower leg"),
    ("lower_leg", "right"): _("Right lower leg"),
    ("ankle", "left"): _("Left ankle"),
    ("ankle", "right"): _("Right ankle"),
    ("foot", "left"): _("Left foot"),
    ("foot", "right"): _("Right foot"),
    ("toe", "left"): _("Left toe"),
    ("toe", "right"): _("Right toe"),
}


def resolve(code: str) -> BodyRegion | None:
    """A region from its key (`hand`) or its SNOMED CT code (`85562004`)."""
    code = (code or "").strip().lower()
    return BY_KEY.get(code) or BY_SNOMED.get(code)


def label(key: str) -> str:
    region = BY_KEY.get(key)
    return str(region.name) if region else key


# Captions spell the side out; "" means the photographer chose "Not applicable".
SIDE_CAPTIONS = {
    "left": pgettext_lazy("caption", "left"),
    "right": pgettext_lazy("caption", "right"),
    "both": pgettext_lazy("caption", "both sides"),
    "": pgettext_lazy("caption", "no side"),
}


def side_label(key: str) -> str:
    return str(SIDE_CAPTIONS.get(key, key))


def site_label(region: str, side: str) -> str:
    """Region and side together, as every caption shows them ("Knee, left")."""
    return pgettext("photo site", "%(region)s, %(side)s") % {
        "region": label(region),
        "side": side_label(side),
    }
