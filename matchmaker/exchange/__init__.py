"""Import and export: spreadsheets of companies and contacts, the profiles interchange format,
event exports (CSV, XLSX, JSON) and the denied-party screening list."""
