"""Shared view plumbing, home page and background jobs."""
