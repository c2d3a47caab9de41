"""Media: encrypted content-addressed blobs, what they are, thumbnails, missing media, check."""
