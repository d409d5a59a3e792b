"""The trip report funders ask for: one printable page (and a PDF) per event."""
