"""One photo as a DICOM VL Photographic Image (PS3.3 A.33.4), and file-sets of them.

The stored original rendition is a baseline JPEG (imaging.pipeline encodes it
with Pillow, sequential, 8-bit): its bytes go into the Pixel Data as they are,
encapsulated under the JPEG Baseline transfer syntax, never re-encoded. One
study per visit, one series per visit and body region, one instance per photo;
UIDs are derived from row ids under the practice's root (interop.uids).
"""

import io
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydicom.config import disable_value_validation
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.filebase import DicomFileLike
from pydicom.fileset import FileInstance, FileSet, RecordNode
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, JPEGBaseline8Bit

from imaging import regions
from interop import jpeg, uids
from interop.models import DicomSettings

VL_PHOTOGRAPHIC = "1.2.840.10008.5.1.4.1.1.77.1.4"
MODALITY = "XC"  # external-camera photography
SEX = {"female": "F", "male": "M", "other": "O"}
# SNOMED CT laterality qualifiers (CID 244), as imaging.regions lists them.
SIDES = {key: (code, label) for key, label, code in regions.SIDES}
REGION_NUMBER = {r.key: n for n, r in enumerate(regions.REGIONS, start=1)}


def uid_root_for(practice) -> str:
    """The practice's UID root, generated once the first time it is needed."""
    found = DicomSettings.objects.filter(practice=practice).first()
    if found is not None:
        return found.uid_root
    try:
        with transaction.atomic():
            return DicomSettings.objects.create(
                practice=practice, uid_root=uids.generated_root()
            ).uid_root
    except IntegrityError:  # another process made it first
        return DicomSettings.objects.get(practice=practice).uid_root


def instance_uid(*, photo, root: str) -> str:
    return uids.instance_uid(root, photo_id=photo.pk)


def _code(value: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = "SCT"
    item.CodeMeaning = meaning
    return item


def anatomic_region(photo) -> Dataset:
    """The SNOMED CT region, with the side as a modifier (CID 4031 / CID 244)."""
    region = regions.BY_KEY[photo.body_region]
    item = _code(region.snomed, region.label)
    if photo.laterality in SIDES:
        code, label = SIDES[photo.laterality]
        item.AnatomicRegionModifierSequence = [_code(code, label)]
    return item


def acquired_at(photo) -> datetime:
    """When the camera took it; the upload time when the image did not say."""
    return timezone.localtime(photo.captured_at or photo.created_at)


def photo_dataset(*, photo, original: bytes, root: str) -> Dataset:
    """The DICOM object of one photo (visit and patient loaded on it)."""
    frame = jpeg.read_frame(original)
    patient, visit = photo.patient, photo.visit
    moment = acquired_at(photo)
    sop_uid = instance_uid(photo=photo, root=root)

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = VL_PHOTOGRAPHIC
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.file_meta.ImplementationVersionName = "PIXIODOC_1"
    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: names in any script
    # SOP Common
    ds.SOPClassUID = VL_PHOTOGRAPHIC
    ds.SOPInstanceUID = sop_uid
    ds.InstanceCreationDate = moment.strftime("%Y%m%d")
    ds.InstanceCreationTime = moment.strftime("%H%M%S")
    # Patient
    ds.PatientName = f"{patient.family_name}^{patient.given_name}"
    ds.PatientID = patient.record_number
    ds.IssuerOfPatientID = patient.practice.slug
    ds.PatientBirthDate = patient.date_of_birth.strftime("%Y%m%d")
    ds.PatientSex = SEX.get(patient.sex, "")
    # General Study: one per visit
    ds.StudyInstanceUID = uids.study_uid(root, visit_id=visit.pk)
    ds.StudyDate = visit.visit_on.strftime("%Y%m%d")
    # The DICOMDIR needs a time; the visit is dated only, so when it was opened.
    ds.StudyTime = timezone.localtime(visit.created_at).strftime("%H%M%S")
    ds.ReferringPhysicianName = ""
    ds.StudyID = str(visit.pk)[-16:]
    ds.AccessionNumber = ""
    ds.StudyDescription = "Clinical photographs"
    # General Series: one per visit and body region
    region_number = REGION_NUMBER[photo.body_region]
    ds.Modality = MODALITY
    ds.SeriesInstanceUID = uids.series_uid(
        root, visit_id=visit.pk, region_number=region_number
    )
    ds.SeriesNumber = region_number
    ds.SeriesDescription = regions.label(photo.body_region)
    # Both sides may share a series: each image says its side (modifier above).
    ds.Laterality = ""
    # General Equipment
    ds.Manufacturer = "PixioDoc"
    # General Image, General Acquisition, VL Image
    ds.InstanceNumber = photo.pk
    ds.PatientOrientation = ""
    ds.ContentDate = moment.strftime("%Y%m%d")
    ds.ContentTime = moment.strftime("%H%M%S")
    ds.AcquisitionDateTime = moment.strftime("%Y%m%d%H%M%S")
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.LossyImageCompression = "01"
    ds.LossyImageCompressionMethod = "ISO_10918_1"
    ds.AnatomicRegionSequence = [anatomic_region(photo)]
    ds.AcquisitionContextSequence = []
    # Image Pixel: described from the JPEG frame header, bytes untouched
    ds.Rows = frame.height
    ds.Columns = frame.width
    ds.SamplesPerPixel = frame.components
    if frame.components == 1:
        ds.PhotometricInterpretation = "MONOCHROME2"
    else:
        # PS3.5 8.2.1: lossy JPEG colour is YCbCr; chroma subsampled is _422.
        ds.PhotometricInterpretation = (
            "YBR_FULL_422" if frame.subsampled else "YBR_FULL"
        )
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = 8
    ds.BitsStored = frame.precision
    ds.HighBit = frame.precision - 1
    ds.PixelRepresentation = 0
    ds.PixelData = encapsulate([original])
    ds["PixelData"].VR = "OB"
    # Encapsulated: undefined length, also when pynetdicom encodes it for C-STORE
    # (it writes with explicit VR little endian and would give it a length).
    ds["PixelData"].is_undefined_length = True
    return ds


def encode(ds: Dataset) -> bytes:
    """The Part 10 file of a dataset, in memory."""
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def file_set(datasets) -> list[tuple[str, bytes]]:
    """A DICOM file-set in memory: (relative path, bytes) for each object file
    and the DICOMDIR that indexes them, so it can go into a ZIP or a folder.

    Object files are `STnnnnnn/SEnnnnnn/IMnnnnnn.dcm`, one folder per study and
    series. pydicom's FileSet builds the directory records and encodes the
    DICOMDIR; its own `add()` would stage every object as a temporary file
    (plaintext PHI on disk, DESIGN.md §4), so the records are attached here
    with the path we choose and nothing is written but the bytes returned.
    """
    datasets = list(datasets)
    index = FileSet()
    index.ID = "PIXIODOC"
    studies: dict[str, int] = {}
    series: dict[str, int] = {}
    paths = []
    buffer = io.BytesIO()
    # CS allows no "." or lower case in a File ID: the `.dcm` the export promises
    # is a known departure that viewers accept (pydicom reads it with a warning).
    with disable_value_validation():
        for number, ds in enumerate(datasets, start=1):
            study = studies.setdefault(ds.StudyInstanceUID, len(studies) + 1)
            serie = series.setdefault(ds.SeriesInstanceUID, len(series) + 1)
            parts = [f"ST{study:06d}", f"SE{serie:06d}", f"IM{number:06d}.dcm"]
            _attach(index, ds, parts)
            paths.append("/".join(parts))
        index._write_dicomdir(DicomFileLike(buffer))
    files = [(path, encode(ds)) for path, ds in zip(paths, datasets, strict=True)]
    return [*files, ("DICOMDIR", buffer.getvalue())]


def _attach(index: FileSet, ds: Dataset, parts: list[str]) -> None:
    # FileSet.add() without its save_as() to a staging folder (pydicom 3.0.2).
    records = index._recordify(ds)
    parent = node = RecordNode(next(records))
    for record in records:
        node = RecordNode(record)
        node.parent = parent
        parent = node
    node._record.ReferencedFileID = parts
    node.instance = FileInstance(node)
    index._tree.add(node)
    index._instances.append(node.instance)
