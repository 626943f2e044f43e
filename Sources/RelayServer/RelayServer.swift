// The RelayServer module. See docs/ARCHITECTURE.md.
