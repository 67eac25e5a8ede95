# app/routes/documents.py — GST documents over HTTP: the consultant's list and snapshots (/api/v1/documents), their monthly GST report (CSV on the Payouts page), and the client's own through their booking's manage link or their quotation's /q link.
"""Documents are issued by the database when a payment is captured or a refund processed (docs/gst.md, "What the
product does") and never change. Every reader here gets the same JSON snapshot (`document_snapshot`): a page renders
it, and its PDF (app/documents_pdf.py) prints the same template part from the same dict."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from zoneinfo import ZoneInfo

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.answers_documents import DocumentType, TaxDocument, TaxDocumentPage
from app.auth import token_hash
from app.documents_pdf import TYPE_LABELS, document_pdf, pdf_filename
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.paging import PageQuery, before_field, keyset_page
from app.routes.dashboard_payouts import _month
from app.routes.public import booking_with_checkout
from app.routes.quotations_public import quotation_token
from app.schemas import PlausibleMonth
from app.sql import run
from app.validation import parse_query
from app.web import render, signed_in

INDIA = ZoneInfo("Asia/Kolkata")  # GST months and dates are India's, whatever the consultant's own zone
PDF_ANSWER = {"type": "string", "format": "binary", "description": "The document as a PDF (A4)."}
PDF_HEADERS = {200: {"Content-Disposition": {
    "description": 'attachment; filename="INV-26-27-000123.pdf": the number with its slashes as dashes.',
    "schema": {"type": "string"}}}}


class DocumentsQuery(PageQuery):
    month: PlausibleMonth | None = Field(default=None, description="YYYY-MM (India).")
    type: DocumentType | None = None
    before: uuid.UUID | None = before_field("documents")


async def document_snapshot(request: Request, document_id: uuid.UUID) -> dict:
    """One of the signed-in consultant's documents as issued (404 for anyone else's): what every renderer takes."""
    return await run(request.app.state.pool, "my_document", request.state.caller, id=document_id)


async def pdf_response(document: dict) -> Response:
    """The document's PDF as a download named after its number (rendered off the event loop)."""
    return Response(await document_pdf(document), media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="{pdf_filename(document["number"])}"',
        "cache-control": "no-store"})


def _document_id(request: Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.path_params["document_id"])
    except ValueError as exc:
        raise ApiError(404, "not_found", "No such document.") from exc


@endpoint(named="my_documents", tags=("payouts",), auth="readable", query=DocumentsQuery,
          responses={200: TaxDocumentPage, 422: None})
async def list_documents(request: Request) -> JSONResponse:
    q = parse_query(request, DocumentsQuery)
    month = date(int(q.month[:4]), int(q.month[5:]), 1) if q.month else None
    return await keyset_page(request, "my_documents", q, month=month)


@endpoint(named="my_document", tags=("payouts",), auth="readable", responses={200: TaxDocument, 404: None})
async def get_document(request: Request) -> JSONResponse:
    return JSONResponse(await document_snapshot(request, _document_id(request)))


@endpoint(summary="One of your GST documents as a PDF, as issued (the same snapshot as GET /documents/{id}).",
          tags=("payouts",), auth="readable", content_type="application/pdf", responses={200: PDF_ANSWER, 404: None},
          answer_headers=PDF_HEADERS)
async def get_document_pdf(request: Request) -> Response:
    return await pdf_response(await document_snapshot(request, _document_id(request)))


REPORT_COLUMNS = ["Number", "Type", "Issued by", "Date", "Against", "Supplier GSTIN", "Recipient GSTIN",
                  "Place of supply", "Place of supply code", "SAC", "Taxable value", "CGST", "SGST", "IGST", "Round off",
                  "Total",
                  "LUT"]


@endpoint(summary="Payouts: one month's GST documents as CSV (dates in India).", tags=("pages",), auth="readable",
          include=False)
async def gst_report_csv(request: Request) -> Response:
    _, caller = signed_in(request)
    month = _month(request.query_params.get("month"), INDIA)
    report = await run(request.app.state.pool, "my_gst_report", caller, month=month)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(REPORT_COLUMNS)
    for d in report["items"]:
        w.writerow([d["number"], TYPE_LABELS[d["document_type"]],
                    "You" if d["issuer"] == "consultant"
                    else "Nakksha (plan)" if d.get("purpose") == "subscription" else "Nakksha (commission)",
                    d["issue_date"],
                    d["original_number"] or "", d["supplier_gstin"] or "", d["recipient_gstin"] or "",
                    d["place_of_supply"] or "", d["place_of_supply_state_code"] or "", d["sac"], d["taxable_value"],
                    d["cgst"], d["sgst"], d["igst"], d["round_off"], d["total"], d["lut_reference"] or ""])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="nakksha-gst-{report["month"]}.csv"',
        "cache-control": "no-store"})


async def _booking_documents(request: Request) -> list[dict]:
    return (await booking_with_checkout(request, token_hash(request.path_params["token"])))["documents"]


async def _quotation_documents(request: Request) -> list[dict]:
    # The peek: opening a document is no view of the quotation.
    return (await run(request.app.state.pool, "public_quotation_peek", token_hash=quotation_token(request),
                      billing=None))["documents"]


# The links a client holds, by their first path segment: a booking's manage link and a quotation's /q link, each
# with how to read the documents issued to its client.
CLIENT_LINKS = {"booking": _booking_documents, "q": _quotation_documents}


def _link_kind(request: Request) -> str:
    """Which client's link these routes hang under: "booking" (/booking/<token>/…) or "q" (/q/<token>/…)."""
    return request.url.path.split("/", 2)[1]


@endpoint(summary="A GST document of a booking or a quotation, for its client, through their link.", tags=("pages",),
          include=False)
async def client_document_page(request: Request) -> Response:
    link = f"/{_link_kind(request)}/{request.path_params['token']}"
    document = await _client_document(request)
    return _document_page(request, document, back=link, pdf_url=f"{link}/documents/{document['id']}.pdf")


@endpoint(summary="A GST document of a booking or a quotation as a PDF, for its client, through their link.",
          tags=("pages",), include=False)
async def client_document_pdf(request: Request) -> Response:
    return await pdf_response(await _client_document(request))


async def _client_document(request: Request) -> dict:
    """One of the documents issued to the client of the booking or quotation behind the link (never the platform's
    to the consultant), or 404: another link's, or none."""
    wanted = str(_document_id(request))
    documents = await CLIENT_LINKS[_link_kind(request)](request)
    found = next((d for d in documents if d["id"] == wanted), None)
    if found is None:
        raise ApiError(404, "not_found", "No such document.")
    return found


@endpoint(summary="One of your GST documents, as issued (printable).", tags=("pages",), auth="readable",
          include=False)
async def consultant_document_page(request: Request) -> Response:
    document = await document_snapshot(request, _document_id(request))
    return _document_page(request, document, back="/dashboard/payouts",
                          pdf_url=f"/dashboard/payouts/documents/{document['id']}.pdf")


@endpoint(summary="One of your GST documents as a PDF.", tags=("pages",), auth="readable", include=False)
async def consultant_document_pdf(request: Request) -> Response:
    return await pdf_response(await document_snapshot(request, _document_id(request)))


def _document_page(request: Request, document: dict, *, back: str, pdf_url: str) -> Response:
    response = render(request, "pages/tax_document.html", {"d": document, "labels": TYPE_LABELS, "back": back,
                                                           "pdf_url": pdf_url})
    response.headers["cache-control"] = "no-store"
    return response


api_routes = [Route("/documents", list_documents, methods=["GET"], name="my_documents"),
              Route("/documents/{document_id}", get_document, methods=["GET"], name="my_document"),
              Route("/documents/{document_id}/pdf", get_document_pdf, methods=["GET"], name="my_document_pdf")]
dashboard_routes = [Route("/payouts/gst-report.csv", gst_report_csv, methods=["GET"], name="payouts_gst_report_csv"),
                    # The .pdf routes first: "{id}" alone would take "….pdf" too (and answer 404 for it).
                    Route("/payouts/documents/{document_id}.pdf", consultant_document_pdf, methods=["GET"],
                          name="payouts_document_pdf"),
                    Route("/payouts/documents/{document_id}", consultant_document_page, methods=["GET"],
                          name="payouts_document_page")]
site_routes = [Route("/booking/{token}/documents/{document_id}.pdf", client_document_pdf, methods=["GET"],
                     name="booking_document_pdf"),
               Route("/booking/{token}/documents/{document_id}", client_document_page, methods=["GET"],
                     name="booking_document_page"),
               Route("/q/{token}/documents/{document_id}.pdf", client_document_pdf, methods=["GET"],
                     name="quotation_document_pdf"),
               Route("/q/{token}/documents/{document_id}", client_document_page, methods=["GET"],
                     name="quotation_document_page")]

# Test: pytest tests/http/test_documents.py tests/http/test_document_pdfs.py
