"""Staff pages (/talents/): the pool and policies (record_urls), service packages
(package_urls) and the special fund (fund_urls)."""

from zugong.talents import fund_urls, package_urls, record_urls

app_name = "talents"

urlpatterns = [*record_urls.urlpatterns, *package_urls.urlpatterns, *fund_urls.urlpatterns]
