// The Telemetry module. See docs/ARCHITECTURE.md.
