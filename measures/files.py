"""How an evidence file is served, privately or published: as what its content is (never the
type recorded from the uploader's browser), ``nosniff``, shown in the page only when it is a
picture or a PDF and downloaded otherwise (``ita.lib.filetypes.served_as``)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from ita.lib.filetypes import served_as
from measures.models import Evidence


def evidence_response(evidence: Evidence) -> FileResponse:
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    mime, inline = served_as(handle)
    response = FileResponse(
        handle, as_attachment=not inline, filename=evidence.original_name, content_type=mime
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
