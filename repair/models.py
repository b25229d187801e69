"""Credit repair and objections (issue: repair workflow)."""
