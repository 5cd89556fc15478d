"""Staff pages (/inquiries/)."""

app_name = "inquiries"

urlpatterns: list = []
