enum PlaceholderStoreTests {}
