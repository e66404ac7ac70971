"""Search in Russian: the analyzer and the tantivy index behind one small interface."""
