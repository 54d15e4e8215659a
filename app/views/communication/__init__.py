"""Communication pages and APIs."""
