-- One row per tenant and tenant-local day with any counted activity, in the tenant's reporting currency.
-- A pure function of the projected documents and fx_rates (see DailySummaries/DailySummaryRecompute.cs): the
-- commerce projection recomputes exactly the days each batch touches; fx loads and POST /metrics/aggregate
-- recompute ranges. Amounts are unrounded; the API rounds at the edge.
create table if not exists daily_summaries (
    tenant_id             text    not null,
    day                   date    not null,
    currency              text    not null,
    gross_revenue         numeric not null,   -- Σ total_price of counted orders placed that day
    refunds               numeric not null,   -- Σ refunds issued that day (of orders not known to be uncounted)
    revenue               numeric not null,   -- gross_revenue − refunds
    orders_count          integer not null,
    new_customers         integer not null,   -- customers whose first counted order is that day
    ad_spend              numeric not null,
    ad_spend_by_platform  jsonb   not null,   -- {"meta": 12.5, "google": 3.1}
    missing_fx_rates      text[]  not null,   -- currencies with amounts that day but no rate: left out above
    primary key (tenant_id, day)
);

select growhalo_enable_tenant_rls('daily_summaries');
