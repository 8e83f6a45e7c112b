"""One module per view; each exposes `render(ctx)`."""
