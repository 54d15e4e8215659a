"""Documents from templates: contracts, invoices, acts, receipts, gift certificates,
registration cards, client statements and organisation reconciliations — numbered per kind and
year, printed to PDF by a job, kept, listed on the client card and emailed on request.

What other domains may use: issuing a document and building its PDF (for automatic receipts or
invoices), and a client's documents.
"""
from app.services.documents.issuing import build_pdf, client_documents, issue_document

__all__ = ["build_pdf", "client_documents", "issue_document"]
