"""Package data of the cases app: the embedded cryptonym word and digraph lists."""
