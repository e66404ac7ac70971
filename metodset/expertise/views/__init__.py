"""Pages of the expertise: each module brings its own URL patterns."""
