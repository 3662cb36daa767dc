"""Lists and editions in the admin (the editors' desk of newsletters)."""
