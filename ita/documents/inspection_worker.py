"""Reads an uploaded PDF within a CPU and memory budget: run in a child process.

    python -m ita.documents.inspection_worker CPU MEMORY MAX_SIGNATURES MAX_TEXT TEXT_CPU < pdf

Prints JSON: the first page's text (poppler's ``pdftotext``, which inherits the limits), every
signature as pyHanko checks it (intact, valid, what it covers, its timestamp) with the signer's
certificate for the caller to judge, and whether the file carries validation data (a DSS).
Exit status 2: not a PDF that can be read; 3: more than MAX_SIGNATURES signatures (their number
printed); anything else than 0: the limits were reached. Django is not imported.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asn1crypto import x509  # the certificates pyHanko reads

warnings.filterwarnings("ignore")


def _name(certificate: x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    native = certificate.subject.native
    return str(native.get("common_name") or certificate.subject.human_friendly)


def _issuer(certificate: x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    native = certificate.issuer.native
    return str(native.get("common_name") or certificate.issuer.human_friendly)


def first_page_text(pdf: bytes, limit: int, cpu_seconds: int) -> str:
    """The first page's text by poppler, itself limited to ``cpu_seconds`` of CPU (a memo's
    first page takes a fraction of a second; a page that inflates to gigabytes is stopped)."""

    def _text_limits() -> None:
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        seconds = cpu_seconds if hard == resource.RLIM_INFINITY else min(cpu_seconds, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, hard))

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        Path(file.name).write_bytes(pdf)
        result = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-q", file.name, "-"],
            check=False,
            capture_output=True,
            preexec_fn=_text_limits,  # safe: this process runs no threads
        )
    if result.returncode < 0:  # stopped by a signal: the CPU or memory limit
        raise MemoryError("pdftotext stopped at its limits")
    return result.stdout[: limit * 4].decode("utf-8", "replace")[:limit]


def signatures(pdf: bytes, most: int) -> tuple[list[dict], bool]:
    from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: PLC0415 (inside the limits)
    from pyhanko.sign.validation import validate_pdf_signature  # noqa: PLC0415
    from pyhanko_certvalidator import ValidationContext  # noqa: PLC0415

    from ita.documents.signing import covers_whole_file  # noqa: PLC0415

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    embedded = list(reader.embedded_signatures)
    if len(embedded) > most:
        sys.stdout.write(str(len(embedded)))
        sys.exit(3)
    found = []
    for signature in embedded:
        context = ValidationContext(trust_roots=[], allow_fetching=False)
        item = {
            "field": str(signature.field_name),
            "signer": "",
            "certificate": "",
            "issuer": "",
            "self_signed": False,
            "signed_at": None,
            "intact": False,
            "valid": False,
            "whole_file": False,
            "timestamp_at": None,
            "timestamp_authority": "",
            "timestamp_ok": False,
        }
        try:
            status = validate_pdf_signature(signature, context)
        except Exception:  # a damaged signature: reported as not valid
            found.append(item)
            continue
        certificate = status.signing_cert
        item.update(
            signer=_name(certificate),
            certificate=certificate.dump().hex() if certificate is not None else "",
            issuer=_issuer(certificate),
            self_signed=certificate is not None and certificate.self_signed != "no",
            signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
            intact=bool(status.intact),
            valid=bool(status.valid),
            whole_file=covers_whole_file(status),
        )
        stamp = status.timestamp_validity
        if stamp is not None:
            item.update(
                timestamp_at=stamp.timestamp.isoformat() if stamp.timestamp else None,
                timestamp_authority=_name(stamp.signing_cert),
                timestamp_ok=bool(stamp.intact and stamp.valid),
            )
        found.append(item)
    return found, "/DSS" in reader.root


def main() -> int:
    cpu_seconds, memory, most, limit, text_seconds = (int(a) for a in sys.argv[1:6])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    pdf = sys.stdin.buffer.read()
    try:
        checks, dss = signatures(pdf, most)
    except SystemExit:
        raise
    except MemoryError:
        return 1
    except Exception:
        return 2
    try:
        text = first_page_text(pdf, limit, text_seconds)
    except MemoryError:
        return 1
    json.dump({"text": text, "signatures": checks, "dss": dss}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
