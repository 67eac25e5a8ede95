-- app/queries/plans.sql — the plans and the consultant's plan in force (db/functions/plans.sql).

-- name: plan_catalogue()$
-- Every plan with its monthly and yearly price (GST included), its commission and what it unlocks.
select jsonb_build_object('plans', api.plan_catalogue());

-- name: my_plan()$
-- The plan in force for the calling consultant, this month's usage against its limits, and every plan to compare.
select api.my_plan();

-- Test: pytest tests/http/test_plans.py
