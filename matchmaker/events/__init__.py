"""Events: definition (slots, tables), registration, vetting and the participant directory."""
