"""Data rights: a participant downloads everything the app holds on them, or deletes the account."""
