"""Uploads over settings.UPLOAD_MAX_BYTES are refused before the body is read whole."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import RequestFactory

from config.uploads import SizeLimitUploadHandler, upload_too_big

MEGABYTE = 1024 * 1024


def posted(size: int):
    return RequestFactory().post(
        "/diary/import/",
        {"csrfmiddlewaretoken": "token", "file": SimpleUploadedFile("run.gpx", b"x" * size)},
    )


def test_a_declared_oversize_upload_stops_at_its_first_file(settings):
    settings.UPLOAD_MAX_BYTES = MEGABYTE
    request = posted(20 * MEGABYTE)
    assert not request.FILES
    assert upload_too_big(request)
    # The field before the file was read (the CSRF check needs it); the file's 20 MB were not.
    assert request.POST["csrfmiddlewaretoken"] == "token"
    assert request._stream._pos < MEGABYTE


def test_an_upload_under_the_limit_is_read_as_usual(settings):
    settings.UPLOAD_MAX_BYTES = MEGABYTE
    request = posted(MEGABYTE // 2)
    assert request.FILES["file"].size == MEGABYTE // 2
    assert not upload_too_big(request)


def test_data_streamed_past_the_limit_stops_the_upload_whatever_was_declared(settings):
    settings.UPLOAD_MAX_BYTES = MEGABYTE
    request = RequestFactory().post("/diary/import/")
    handler = SizeLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 100, b"boundary")
    handler.new_file("file", "run.gpx", "application/gpx+xml", 100)
    chunk = b"x" * (MEGABYTE // 2)
    assert handler.receive_data_chunk(chunk, 0) == chunk
    assert handler.receive_data_chunk(chunk, len(chunk)) == chunk
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x", MEGABYTE)
    assert upload_too_big(request)
