"""Sales pages and APIs: passes, payments, certificates."""
