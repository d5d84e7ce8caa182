"""The demo business: ``patron demo`` loads it, ``patron generate`` writes it as CSV files."""
