"""Turn UK government and parliamentary documents into a sourced table of dated policy events."""

# Bump when a change to the extraction rules changes output: it invalidates the cache.
PIPELINE_VERSION = "0.1.0"
