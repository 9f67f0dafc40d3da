"""Reusable widgets: charts, token views, banners, progress rows."""
