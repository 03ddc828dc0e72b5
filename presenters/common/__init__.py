"""What every page shares: its state and URL codec, words and number formats, the
table model, control options, charts and map paint."""
