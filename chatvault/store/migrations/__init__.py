"""One module per schema step: `mNNN_name.py` with `up(conn)`. Never edit a released step."""
