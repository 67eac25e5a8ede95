-- db/functions/quotation_gst.sql — a quotation's GST line: the taxable value and the tax inside its price, split as its invoice will be (issue 21).
-- Before quotations.sql and quotations_public.sql (path order), whose JSON carry it as `gst`.

create or replace function api.quotation_gst(p_q app.quotations)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  p app.consultant_tax_profiles;
  t app.payment_transactions;
  v_abroad boolean;
  v_pos text;
  v_rate numeric := 0;
  v_zero boolean := false;
  g record;
begin
  -- The GST in a quotation's price, split as its invoice will be (app.issue_payment_documents, docs/gst.md): a
  -- regular-scheme consultant's prices include GST; the place of supply is the billing State the client gave on
  -- accepting (its latest payment's), else the consultant's; abroad IGST, or nothing under a valid LUT. Composition
  -- and unregistered consultants charge none (a bill of supply, a receipt).
  select * into p from app.consultant_tax_profiles x where x.consultant_id = p_q.consultant_id;
  if coalesce(p.gst_scheme, 'unregistered') <> 'regular' then
    return jsonb_build_object('charged', false, 'document_type', case when p.gst_scheme = 'composition'
      then 'bill_of_supply' else 'receipt' end, 'taxable_value', api.money(p_q.final_amount), 'rate', 0,
      'cgst', api.money(0), 'sgst', api.money(0), 'igst', api.money(0), 'round_off', api.money(0), 'sgst_label', 'SGST',
      'place_of_supply', null, 'zero_rated', false);
  end if;
  select * into t from app.payment_transactions x
  where x.quotation_id = p_q.id and not coalesce((x.metadata->>'duplicate')::boolean, false)
  order by x.created_at desc limit 1;
  v_abroad := coalesce(t.billing_country, 'IN') <> 'IN';
  v_pos := case when not v_abroad then coalesce(t.billing_state_code, p.state_code) end;
  -- As the invoice decides it (app.issue_payment_documents): a letter of undertaking covers one financial year.
  -- (No letter of undertaking on file is no zero-rating: never NULL, which would read as "no GST charged".)
  v_zero := v_abroad and coalesce(p.lut_valid_until = (app.financial_year_start(now()) + interval '1 year'
                                                        - interval '1 day')::date, false);
  if not v_zero then
    v_rate := app.tax_setting('service_gst_percent');
  end if;
  select * into g from app.gst_in_price(p_q.final_amount, v_rate, not v_abroad and v_pos is not distinct from p.state_code);
  return jsonb_build_object('charged', not v_zero, 'document_type', 'tax_invoice',
    'taxable_value', api.money(g.taxable_value), 'rate', v_rate, 'cgst', api.money(g.cgst), 'sgst', api.money(g.sgst),
    'igst', api.money(g.igst), 'round_off', api.money(g.round_off),
    'sgst_label', case when v_pos in ('04', '26', '31', '35', '38', '97') then 'UTGST' else 'SGST' end,
    'place_of_supply', jsonb_build_object('state_code', v_pos,
      'state_name', (select s.name from app.gst_states s where s.code = v_pos),
      'country', coalesce(t.billing_country, 'IN')),
    'zero_rated', v_zero);
end;
$$;
comment on function api.quotation_gst is 'The GST inside a quotation''s final amount as its invoice will split it (taxable value, CGST + SGST/UTGST or IGST, place of supply), or none charged (composition, unregistered, an export under LUT).';

grant execute on function api.quotation_gst(app.quotations) to nakksha_app;

-- Test: pytest tests/http/test_quotation_gst.py
