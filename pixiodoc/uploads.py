"""Upload handling that keeps every byte in memory under a hard cap (S12, S14).

Django's default handlers spill large uploads to a temporary file; a clinical
photo must never reach disk in plaintext, so this handler never does. A file
over the cap is dropped as it streams in and arrives empty, marked `oversize`,
so the form can refuse it by name while keeping the other files.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class CappedMemoryUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        self.oversize = False

    def receive_data_chunk(self, raw_data, start):
        if not self.oversize:
            if self.buffer.tell() + len(raw_data) > settings.PHOTO_MAX_BYTES:
                self.oversize = True
                self.buffer = BytesIO()  # let go of what was held
            else:
                self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        uploaded = InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.buffer.getbuffer().nbytes,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        uploaded.oversize = self.oversize
        return uploaded
