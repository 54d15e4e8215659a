"""Documents from templates: contracts, invoices, acts, receipts, gift certificates,
registration cards, client statements and organisation reconciliations — numbered per kind and
year, printed to PDF by a job, kept, listed on the client card and emailed on request.

What other domains may use: issuing a document and building its PDF, a client's documents, and
the documents issued automatically (receipts, an organisation's receipt, a shop sale's receipt, registration invoices,
certificates of completion, contracts on a first sale) with the documents of a sale.
"""
from app.services.documents.automatic import (certificate_of_completion, contract_on_first_sale,
                                              invoice_for_registration, receipt_for_organisation_payment,
                                              receipt_for_payment, sale_receipt)
from app.services.documents.issuing import (build_pdf, client_documents, issue_document,
                                            payment_receipts, sale_documents)
from app.services.documents.pdf import html_to_pdf

__all__ = ["build_pdf", "certificate_of_completion", "client_documents",
           "contract_on_first_sale", "html_to_pdf", "invoice_for_registration", "issue_document",
           "payment_receipts", "receipt_for_organisation_payment", "receipt_for_payment", "sale_documents", "sale_receipt"]
