// The RelayClient module. See docs/ARCHITECTURE.md.
