enum PlaceholderServiceKit {}
