"""Qt models: what the views show, loaded through the core (store.queries, services), never SQL text."""
