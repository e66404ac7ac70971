"""The materials library: materials, files, versions, comments, ratings."""
