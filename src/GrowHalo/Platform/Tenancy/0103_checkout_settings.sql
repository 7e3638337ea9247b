-- Abandoned-checkout settings per tenant (PATCH /api/v1/tenant): a checkout not completed within
-- abandoned_checkout_minutes of its creation is abandoned; an abandoned checkout completed later by an order matched
-- by checkout token, cart token, or the same customer within recovery_window_days is recovered.
alter table tenants add column if not exists abandoned_checkout_minutes integer not null default 60;
alter table tenants add column if not exists recovery_window_days integer not null default 7;
