"""Use cases. Each takes a Session and a Principal, never commits, and raises domain errors."""
