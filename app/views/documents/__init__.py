"""Documents: the issued documents' pages, the template editor, the REST API, the card section."""
