"""Domain services: plain functions over data_access, tested without Dash."""
