"""all-MiniLM-L6-v2 sentence embeddings from the pinned local weights: tokenizer, forward pass, loading."""
