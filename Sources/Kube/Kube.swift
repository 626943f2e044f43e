// The Kube module. See docs/ARCHITECTURE.md.
