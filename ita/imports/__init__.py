"""Imports of the published score tables: parse, check, preview, apply all or nothing, revert."""
