// RelayCore: pure protocol logic.
