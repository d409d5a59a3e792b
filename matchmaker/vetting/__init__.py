"""Staged vetting: questions to applicants and their answers, revocation, the external check."""
