"""The Streamlit app: data loading, filters, URL state, figure builders and one module per view."""
