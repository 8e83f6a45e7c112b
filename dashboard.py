"""Entry point: `streamlit run dashboard.py` (the app itself lives in the `app` package)."""

from app.main import run

run()
