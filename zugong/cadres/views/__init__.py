"""干部 pages, one module per part, each with its own urlpatterns (see zugong/cadres/urls.py)."""
