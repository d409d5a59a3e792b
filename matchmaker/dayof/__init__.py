"""Day-of operations: checking attendees in, marking meetings held, no-show or running late,
and bumping a late meeting to a later free slot."""
