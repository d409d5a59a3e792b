"""Click commands that need no database (they read interchange files)."""
