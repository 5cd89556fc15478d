"""Staff pages of the 群众监督 module (/supervision/): case handling by the 干部监督科."""

app_name = "supervision"

urlpatterns: list = []
