enum PlaceholderCryptoTests {}
