enum PlaceholderBusTests {}
