"""A request's uploads are refused past ``settings.UPLOAD_MAX_BYTES`` before they are read whole.

Django parses a multipart body only when something first reads ``request.POST`` or
``request.FILES`` (the CSRF middleware does, before any view), so the limit has to live in an
upload handler, which sees the body as it streams. This one comes first in
``FILE_UPLOAD_HANDLERS``. The form fields before the first file (the CSRF token comes first in
every form) are still read; at the first file of a request that declares more than the limit,
or as soon as the file data streamed passes it, parsing stops without reading the rest.
The view then finds ``upload_too_big(request)`` true and says so beside the form.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

_FLAG = "_upload_too_big"


def upload_too_big(request: HttpRequest) -> bool:
    """True when this request's upload was refused for its size (read request.FILES first)."""
    return getattr(request, _FLAG, False)


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.declared_too_big = False
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.declared_too_big = content_length > self.limit

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.declared_too_big:
            self._refuse()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, _FLAG, True)
        # connection_reset: stop here rather than read (and throw away) the rest of the body.
        raise StopUpload(connection_reset=True)
