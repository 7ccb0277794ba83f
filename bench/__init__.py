"""Benchmarks of Threadline's heavy paths; `bench.generate` is shared with the tests."""
