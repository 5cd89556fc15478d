"""The product's URLs plus the benchmark's ceiling view (never part of zugong.urls)."""

from django.urls import path

from benchmarks.views import ceiling
from zugong.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/ceiling/", ceiling, name="bench-ceiling"), *product_urlpatterns]
