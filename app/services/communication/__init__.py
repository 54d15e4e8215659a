"""Communication: templates, mailings, exactly-once delivery, reminders, tasks and calls."""
