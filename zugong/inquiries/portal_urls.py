"""Public progress pages of problem lists (/portal/progress/), when a list is published."""

app_name = "portal_progress"

urlpatterns: list = []
