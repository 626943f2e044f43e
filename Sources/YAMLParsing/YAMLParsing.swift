// The YAMLParsing module. See docs/ARCHITECTURE.md.
