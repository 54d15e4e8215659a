"""Per-user settings that outlive a browser session."""
from sqlalchemy import Column, ForeignKey, Integer, String
from flask_appbuilder import Model


class UserPreference(Model):
    __tablename__ = "user_preference"

    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    locale = Column(String(10))
