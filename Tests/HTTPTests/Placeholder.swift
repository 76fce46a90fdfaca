enum PlaceholderHTTPTests {}
