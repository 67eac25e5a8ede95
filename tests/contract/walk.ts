// tests/contract/walk.ts — a frontend's calls typed by the API's OpenAPI document (openapi-typescript + openapi-fetch): book on a public page, then a consultant's sessions.
// "nakksha-api" is the file openapi-typescript generates from the served document on every test run (never
// committed): a renamed field, a changed type or a new status breaks `tsc --noEmit` here, as it would break a
// frontend's build. tests/contract/walk.py takes the same steps with the generated Python client, and runs them.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "nakksha-api";

type Schemas = components["schemas"];
export type Api = Client<paths>;

/** An amount as the API sends it: shown as it comes, never computed on (JSON numbers today, "1499.50" once money
 * is sent as two-decimal text; a display value either way). */
export type Amount = number | string;

export function showAmount(amount: Amount, currency: string): string {
  return currency === "INR" ? `₹${amount}` : `${currency} ${amount}`;
}

/** Every status a session or booking can have, as the dashboard labels it. A status added to (or dropped from) the
 * document fails type-checking here until it has a label. */
export type Status = Schemas["Session"]["status"];
export const STATUS_LABELS: Record<Status, string> = {
  pending: "Awaiting payment",
  confirmed: "Confirmed",
  completed: "Completed",
  cancelled: "Cancelled",
  abandoned: "Abandoned",
  no_show: "No-show",
  returned: "Returned",
};

/** A failed call: the API's one error shape, {"error": {code, message, field}}. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly field: string | null;

  constructor(response: Response, body: unknown) {
    const error = isApiError(body) ? body.error : null;
    super(error ? `${response.status} ${error.code}: ${error.message}` : `HTTP ${response.status}`);
    this.status = response.status;
    this.code = error?.code ?? null;
    this.field = error?.field ?? null;
  }
}

function isApiError(body: unknown): body is Schemas["Error"] {
  return typeof body === "object" && body !== null && "error" in body;
}

type Answer<T> = { data: T; error?: never; response: Response } | { data?: never; error: unknown; response: Response };

/** The success body of an answer, or an ApiFailure. */
function expectData<T>(answer: Answer<T>): T {
  if (answer.data === undefined) throw new ApiFailure(answer.response, answer.error);
  return answer.data;
}

export function publicApi(baseUrl: string): Api {
  return createClient<paths>({ baseUrl });
}

function bearer(accessToken: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${accessToken}`);
      return request;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The public page: who the consultant is, a free time, a booking, the booking read back through its manage link.

/** An IANA zone as the document types it (a string, or the enum of the zones the server knows). */
export type Zone = NonNullable<Schemas["BookingBody"]["timezone"]>;

export interface Visitor {
  name: string;
  email: string;
  phone: string | null;
  timezone: Zone; // the browser's zone, once checked against the API's list
}

export interface ConsultantCard {
  name: string;
  sessionTitle: string;
  price: string;
  minNoticeMinutes: number;
  timezone: string;
}

export interface FreeTime {
  slotId: string;
  startsAt: Date;
  label: string; // in the visitor's zone, as the API gives it when asked with tz
  seatsLeft: number;
}

export interface BookedSession {
  sessionId: string;
  manageToken: string;
  status: Status;
  statusLabel: string;
  price: string;
  /** What Checkout needs when the booking is to be paid; null for a free one. */
  pay: { orderId: string; amountPaise: number; keyId: string | null; checkoutUrl: string | null } | null;
  holdExpiresAt: Date | null;
}

export async function consultantCard(api: Api, slug: string): Promise<ConsultantCard> {
  const page = expectData(await api.GET("/api/v1/public/consultants/{slug}", { params: { path: { slug } } }));
  return {
    name: `${page.first_name} ${page.last_name}`,
    sessionTitle: page.personal_session_title ?? "1:1 session",
    price: showAmount(page.personal_session_price, page.currency),
    minNoticeMinutes: page.booking_policy.min_notice_minutes,
    timezone: page.timezone,
  };
}

export async function freeTimes(api: Api, slug: string, visitor: Visitor): Promise<FreeTime[]> {
  const slots = expectData(
    await api.GET("/api/v1/public/consultants/{slug}/slots", {
      params: { path: { slug }, query: { type: "personal", tz: visitor.timezone } },
    }),
  );
  return slots.items
    .filter((slot) => slot.remaining > 0)
    .map((slot) => ({
      slotId: slot.slot_id,
      startsAt: new Date(slot.starts_at),
      label: slot.starts_at_local ?? slot.starts_at,
      seatsLeft: slot.remaining,
    }));
}

export async function book(api: Api, slug: string, time: FreeTime, visitor: Visitor): Promise<BookedSession> {
  const booked = expectData(
    await api.POST("/api/v1/public/consultants/{slug}/bookings", {
      // A new key per booking: a retry after a lost answer gets the first answer, not a second booking.
      params: { path: { slug }, header: { "Idempotency-Key": crypto.randomUUID() } },
      body: {
        slot_id: time.slotId,
        session_type: "personal",
        client: { name: visitor.name, email: visitor.email, phone: visitor.phone },
        timezone: visitor.timezone,
      },
    }),
  );
  const checkout = booked.next_step === "pay" ? booked.checkout : null;
  return {
    sessionId: booked.session_id,
    manageToken: new URL(booked.manage_url).pathname.split("/").pop() ?? "",
    status: booked.status,
    statusLabel: STATUS_LABELS[booked.status],
    price: showAmount(booked.amount, booked.currency),
    pay: checkout
      ? {
          orderId: checkout.order_id,
          amountPaise: checkout.amount,
          keyId: checkout.key_id,
          checkoutUrl: checkout.checkout_url ?? null,
        }
      : null,
    holdExpiresAt: booked.hold_expires_at === null ? null : new Date(booked.hold_expires_at),
  };
}

export interface ManagedView {
  status: Status;
  statusLabel: string;
  when: Date;
  withWhom: string;
  canCancel: boolean;
  canReschedule: boolean;
  stillToPay: boolean;
}

export async function readBooking(api: Api, manageToken: string): Promise<ManagedView> {
  const booking = expectData(
    await api.GET("/api/v1/public/bookings/{token}", { params: { path: { token: manageToken } } }),
  );
  return {
    status: booking.status,
    statusLabel: STATUS_LABELS[booking.status],
    when: new Date(booking.starts_at),
    withWhom: `${booking.consultant.first_name} ${booking.consultant.last_name}`,
    canCancel: booking.can_cancel,
    canReschedule: booking.can_reschedule,
    stillToPay: booking.payable && booking.checkout !== null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The consultant's dashboard: sign in, the sessions list (a paged envelope), one session.

export async function signIn(baseUrl: string, email: string, password: string): Promise<Api> {
  const tokens = expectData(await publicApi(baseUrl).POST("/api/v1/auth/login", { body: { email, password } }));
  const api = createClient<paths>({ baseUrl });
  api.use(bearer(tokens.access_token));
  return api;
}

export interface SessionRow {
  id: string;
  when: Date;
  client: string;
  kind: "personal" | "webinar";
  status: string;
  amount: string;
}

export interface SessionsPage {
  rows: SessionRow[];
  page: number;
  pages: number;
  total: number;
  totalAmount: string;
}

function toRow(session: Schemas["Session"]): SessionRow {
  return {
    id: session.id,
    when: new Date(session.starts_at),
    client: session.client?.name ?? session.booked_as?.name ?? "—",
    kind: session.session_type,
    status: STATUS_LABELS[session.status],
    amount: showAmount(session.amount, session.currency),
  };
}

export async function sessionsPage(api: Api, page = 1, perPage = 25): Promise<SessionsPage> {
  const list = expectData(
    await api.GET("/api/v1/sessions", { params: { query: { page, per_page: perPage, sort: "-starts_at" } } }),
  );
  const currency = list.items[0]?.currency ?? "INR";
  return {
    rows: list.items.map(toRow),
    page: list.page,
    pages: Math.max(1, Math.ceil(list.total / list.per_page)),
    total: list.total,
    totalAmount: showAmount(list.totals.amount, currency),
  };
}

export interface SessionDetail extends SessionRow {
  scheduledDate: string;
  scheduledTime: string;
  durationMinutes: number;
  paymentStatus: string;
  meetingLink: string | null;
  notes: string | null;
}

export async function sessionDetail(api: Api, sessionId: string): Promise<SessionDetail> {
  const session = expectData(
    await api.GET("/api/v1/sessions/{session_id}", { params: { path: { session_id: sessionId } } }),
  );
  return {
    ...toRow(session),
    scheduledDate: session.scheduled_date,
    scheduledTime: session.scheduled_time,
    durationMinutes: session.duration_minutes,
    paymentStatus: session.payment_status,
    meetingLink: session.meeting_link,
    notes: session.notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The whole walk, as tests/contract/walk.py runs it.

export async function walk(baseUrl: string, slug: string, visitor: Visitor, email: string, password: string) {
  const site = publicApi(baseUrl);
  const card = await consultantCard(site, slug);
  const [time] = await freeTimes(site, slug, visitor);
  if (time === undefined) throw new Error(`${card.name} has no free time`);
  const booked = await book(site, slug, time, visitor);
  const managed = await readBooking(site, booked.manageToken);
  const dashboard = await signIn(baseUrl, email, password);
  const sessions = await sessionsPage(dashboard);
  const detail = await sessionDetail(dashboard, booked.sessionId);
  return { card, time, booked, managed, sessions, detail };
}
// Test: pytest tests/meta/test_generated_clients.py
