"""Business rules as plain functions; views, API, jobs, imports and CLI all call these."""
