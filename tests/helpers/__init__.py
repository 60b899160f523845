"""Shared test helpers (not collected): one module per kind of fixture."""
