"""FQL v10 bindings: expressions, then methods by family, all calling the shared cores."""
