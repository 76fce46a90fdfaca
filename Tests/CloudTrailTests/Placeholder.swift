enum PlaceholderCloudTrailTests {}
