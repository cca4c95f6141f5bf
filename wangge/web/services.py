"""Writes of the web app's own data."""
from .models import Feedback


def submit_feedback(*, user, page_url: str, text: str) -> Feedback:
    return Feedback.objects.create(user=user, page_url=page_url[:500], text=text.strip())
