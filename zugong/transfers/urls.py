from zugong.transfers.views import urlpatterns  # noqa: F401 - the page module keeps its routes

app_name = "transfers"
