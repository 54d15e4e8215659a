"""The client portal: client accounts (never staff), booking, waitlists.

What other domains may use: the clients booked for a lesson (the attendance page pre-marks
them) and a group's booking mode.
"""
from app.services.portal.booking import booked_client_ids, save_settings

__all__ = ["booked_client_ids", "save_settings"]
