"""Client and organisation pages and APIs."""
