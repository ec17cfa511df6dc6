"""Make the QR code that opens a leaflet's web twin, as an SVG data URI (segno)."""

from __future__ import annotations

import functools

import segno


@functools.lru_cache(maxsize=None)
def qr_data_uri(url: str) -> str:
    """Return an SVG data URI of a QR code for a URL, sized by its box in the template."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(scale=4, border=2, dark="#000000", light="#ffffff", omitsize=True)
