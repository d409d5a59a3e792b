"""Organizer pages: create and edit events, vet registrations, program items."""
