"""Staff pages (/talents/)."""

app_name = "talents"

urlpatterns: list = []
