enum PlaceholderDetection {}
