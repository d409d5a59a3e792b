"""Event teams: owners, co-organizers and vetters; invitations; who is responsible for whom."""
