"""In-app notifications (badge and list) and their emails."""
