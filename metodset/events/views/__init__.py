"""Pages of events: each module brings its own URL patterns (events:… namespace)."""
