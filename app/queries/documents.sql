-- app/queries/documents.sql — GST documents read back: a consultant's list, one document, a month's GST report (db/functions/tax_documents.sql).

-- name: my_documents(month, type, before, limit)$
-- Your GST documents (yours to clients, the platform's to you), newest first, a page at a time; by month (India) and type.
select api.my_documents(:month, :type, :before, :limit);

-- name: my_document(id)$
-- One of your GST documents: everything it prints, as issued.
select api.my_document(:id);

-- name: my_documents_of(session_id, payment_id)$
-- Your GST documents of one session or one payment, oldest first (linked from their pages).
select api.my_documents_of(:session_id, :payment_id);

-- name: my_gst_report(month)$
-- One month's (India) GST documents, oldest first, with each tax and the place of supply.
select api.my_gst_report(:month);

-- Test: pytest tests/http/test_documents.py
