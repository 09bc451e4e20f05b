"""The metric definitions, a leaf: it imports nothing of the project, so every layer may count into it."""
