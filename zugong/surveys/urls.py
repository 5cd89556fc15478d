"""Staff pages (/surveys/)."""

app_name = "surveys"

urlpatterns: list = []
