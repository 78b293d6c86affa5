"""Imports of existing vector data (GeoPackage, Shapefile, GeoJSON, DXF) into storage."""
