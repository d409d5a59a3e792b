"""The meeting schedule: generation, manual changes, publication, agendas, calendars, ratings."""
