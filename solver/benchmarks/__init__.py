"""Published rostering benchmarks: their file formats, rules and best-known results."""
