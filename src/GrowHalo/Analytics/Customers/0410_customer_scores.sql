-- Each customer's scores as of the tenant's last scoring (Analytics/Customers/Scoring): RFM scores 1–5 and segment,
-- and the BG/NBD churn estimate. One row per customer with a counted order; the run row says when and as of which day.
create table if not exists customer_scores (
    tenant_id            text    not null,
    customer_key         text    not null,
    r                    integer not null,
    f                    integer not null,
    m                    integer not null,
    rfm_segment          text    not null,
    p_alive              double precision,      -- null until a churn model (or the lapse rule) has scored the customer
    expected_orders_90d  double precision,
    churn_status         text,                  -- active | at_risk | lost
    primary key (tenant_id, customer_key)
);

create table if not exists customer_score_runs (
    tenant_id   text        primary key,
    as_of       date        not null,           -- the tenant-local day the scores are as of
    scored_at   timestamptz not null,
    customers   bigint      not null,
    churn_model jsonb                           -- {r, alpha, a, b, log_likelihood, trusted, repeat_customers, rule}
);

select growhalo_enable_tenant_rls('customer_scores');
select growhalo_enable_tenant_rls('customer_score_runs');
