"""URL patterns included by zugong/talents/urls.py (namespace talents)."""

urlpatterns: list = []
