// The Coordinator module. See docs/ARCHITECTURE.md.
