"""Meeting requests: send, accept, decline, cancel, withdraw, expire, and their threads."""
