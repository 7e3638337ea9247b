-- Exchange rates an admin loads (growhalo fx import, POST /api/v1/fx-rates): 1 unit of from_currency = rate units
-- of to_currency on that day. Kept per tenant, so one brand's admin never changes another brand's numbers.
create table if not exists fx_rates (
    tenant_id      text    not null,
    day            date    not null,
    from_currency  text    not null,
    to_currency    text    not null,
    rate           numeric not null check (rate > 0),
    primary key (tenant_id, from_currency, to_currency, day)
);

-- The rate for converting on p_day: the latest loaded rate dated p_day or up to 6 days before (markets close at
-- weekends and holidays), the direct pair preferred to the inverse of the opposite pair on the same day.
-- Null when there is none: callers leave the amount out and report the gap, never assume 1.
create or replace function fx_rate(p_tenant text, p_day date, p_from text, p_to text)
returns numeric language sql stable as $$
    select case when p_from = p_to then 1::numeric else (
        select r.rate from (
            select f.day, 0 as pref, f.rate from fx_rates f
            where f.tenant_id = p_tenant and f.from_currency = p_from and f.to_currency = p_to
              and f.day between p_day - 6 and p_day
            union all
            select f.day, 1, 1 / f.rate from fx_rates f
            where f.tenant_id = p_tenant and f.from_currency = p_to and f.to_currency = p_from
              and f.day between p_day - 6 and p_day
        ) r order by r.day desc, r.pref limit 1)
    end
$$;

select growhalo_enable_tenant_rls('fx_rates');
