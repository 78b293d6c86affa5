"""Map output: vector tiles from PostGIS, raster tiles of scans, and the one symbology."""
