"""Staff pages (/campaigns/)."""

app_name = "campaigns"

urlpatterns: list = []
