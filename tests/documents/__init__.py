# tests/documents/__init__.py — tests of the GST documents' rendering (amount in words, the PDF), without a database.
# Test: pytest tests/documents
