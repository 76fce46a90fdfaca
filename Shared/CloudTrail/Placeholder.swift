enum PlaceholderCloudTrail {}
