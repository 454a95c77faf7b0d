"""Package data of the cases app: the default cryptonym word list."""
