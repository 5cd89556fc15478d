"""Public survey pages (/portal/surveys/): no login, the portal privacy rules apply."""

app_name = "portal_surveys"

urlpatterns: list = []
