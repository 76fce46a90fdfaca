enum PlaceholderDetectionTests {}
