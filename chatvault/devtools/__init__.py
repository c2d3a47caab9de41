"""Developer tools, not used by the app: a synthetic demo archive for screenshots, benchmarks and tests."""
