// The Tailnet module. See docs/ARCHITECTURE.md.
