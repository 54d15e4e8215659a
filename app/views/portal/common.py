"""Plumbing shared by the portal's pages, API and staff views."""


def deliver(message_ids):
    """Hand freshly queued messages (codes, notices) to the delivery jobs."""
    if message_ids:
        from app.jobs.communication import enqueue_delivery

        enqueue_delivery(message_ids)
