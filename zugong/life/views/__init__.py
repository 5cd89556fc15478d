"""组织生活 pages, one module per part: meetings, compliance, 民主评议 (each with its urlpatterns)."""
