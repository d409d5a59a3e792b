"""Badges: a QR token per attendee, printable badges, scan-to-check-in, and the contacts
participants keep by scanning each other's badges."""
