"""Format readers: the interface, the registry, the file-tree layer, one sub-package per source."""
