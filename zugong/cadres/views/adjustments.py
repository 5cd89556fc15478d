"""Placeholder until this part lands."""

urlpatterns: list = []
