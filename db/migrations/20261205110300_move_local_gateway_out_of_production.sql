-- db/migrations/20261205110300_move_local_gateway_out_of_production.sql — the local payment gateway's tables leave the production schema (issue 17): they live in schema dev, made by `nakksha migrate` only in development and tests (db/dev/local_gateway.sql).
-- No production database exists yet, so nothing is carried over; a development database gets them back, empty,
-- in schema dev on its next migrate.

-- migrate:up
drop table app.local_gateway_refunds, app.local_gateway_payments, app.local_gateway_orders cascade;

-- migrate:down
-- table: local_gateway_orders (app)
CREATE TABLE app.local_gateway_orders (
    id text NOT NULL,
    amount_paise bigint NOT NULL,
    currency text NOT NULL,
    receipt text,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'created'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_orders_amount_range CHECK ((amount_paise > 0)),
    CONSTRAINT local_gateway_orders_id_format CHECK ((id ~ '^order_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_gateway_orders_status_valid CHECK ((status = ANY (ARRAY['created'::text, 'attempted'::text, 'paid'::text])))
);

-- comment: TABLE local_gateway_orders (app)
COMMENT ON TABLE app.local_gateway_orders IS 'The local test gateway''s orders (development without Razorpay keys).';
-- table: local_gateway_payments (app)
CREATE TABLE app.local_gateway_payments (
    id text NOT NULL,
    order_id text NOT NULL,
    amount_paise bigint NOT NULL,
    currency text NOT NULL,
    status text NOT NULL,
    method text NOT NULL,
    error_code text,
    error_description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_payments_id_format CHECK ((id ~ '^pay_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_gateway_payments_status_valid CHECK ((status = ANY (ARRAY['captured'::text, 'failed'::text])))
);

-- comment: TABLE local_gateway_payments (app)
COMMENT ON TABLE app.local_gateway_payments IS 'The local test gateway''s payments: one row per attempt on the checkout page.';
-- table: local_gateway_refunds (app)
CREATE TABLE app.local_gateway_refunds (
    id text NOT NULL,
    payment_id text NOT NULL,
    amount_paise bigint NOT NULL,
    idempotency_key text NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_refunds_amount_range CHECK ((amount_paise > 0)),
    CONSTRAINT local_gateway_refunds_id_format CHECK ((id ~ '^rfnd_[A-Za-z0-9]{14}$'::text))
);

-- comment: TABLE local_gateway_refunds (app)
COMMENT ON TABLE app.local_gateway_refunds IS 'The local test gateway''s refunds, unique by idempotency key like Razorpay''s X-Refund-Idempotency.';
-- constraint: local_gateway_orders local_gateway_orders_pkey (app)
ALTER TABLE ONLY app.local_gateway_orders
    ADD CONSTRAINT local_gateway_orders_pkey PRIMARY KEY (id);

-- constraint: local_gateway_payments local_gateway_payments_pkey (app)
ALTER TABLE ONLY app.local_gateway_payments
    ADD CONSTRAINT local_gateway_payments_pkey PRIMARY KEY (id);

-- constraint: local_gateway_refunds local_gateway_refunds_idempotency_key_key (app)
ALTER TABLE ONLY app.local_gateway_refunds
    ADD CONSTRAINT local_gateway_refunds_idempotency_key_key UNIQUE (idempotency_key);

-- constraint: local_gateway_refunds local_gateway_refunds_pkey (app)
ALTER TABLE ONLY app.local_gateway_refunds
    ADD CONSTRAINT local_gateway_refunds_pkey PRIMARY KEY (id);
-- index: local_gateway_payments_order_idx (app)
CREATE INDEX local_gateway_payments_order_idx ON app.local_gateway_payments USING btree (order_id);

-- index: local_gateway_refunds_payment_idx (app)
CREATE INDEX local_gateway_refunds_payment_idx ON app.local_gateway_refunds USING btree (payment_id);
-- fk constraint: local_gateway_payments local_gateway_payments_order_id_fkey (app)
ALTER TABLE ONLY app.local_gateway_payments
    ADD CONSTRAINT local_gateway_payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.local_gateway_orders(id) ON DELETE CASCADE;

-- fk constraint: local_gateway_refunds local_gateway_refunds_payment_id_fkey (app)
ALTER TABLE ONLY app.local_gateway_refunds
    ADD CONSTRAINT local_gateway_refunds_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES app.local_gateway_payments(id) ON DELETE CASCADE;
-- row security: local_gateway_orders (app)
ALTER TABLE app.local_gateway_orders ENABLE ROW LEVEL SECURITY;

-- row security: local_gateway_payments (app)
ALTER TABLE app.local_gateway_payments ENABLE ROW LEVEL SECURITY;

-- row security: local_gateway_refunds (app)
ALTER TABLE app.local_gateway_refunds ENABLE ROW LEVEL SECURITY;
