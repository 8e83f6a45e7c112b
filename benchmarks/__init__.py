"""`make bench`: a synthetic corpus generator and the measurements run on it."""
