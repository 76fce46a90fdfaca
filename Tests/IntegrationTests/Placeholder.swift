enum PlaceholderIntegrationTests {}
