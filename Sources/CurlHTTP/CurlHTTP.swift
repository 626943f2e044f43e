// The CurlHTTP module. See docs/ARCHITECTURE.md.
