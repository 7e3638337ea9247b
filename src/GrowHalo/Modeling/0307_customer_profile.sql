-- What the customer record says beyond name and place: every address, the tags, and marketing consent
-- (accepts_marketing, or email_marketing_consent.state = 'subscribed'; null for guests, who have no record).
-- Customers projected before this migration get them at the next `growhalo projections rebuild --projection commerce`.
alter table customers add column if not exists tags text[] not null default '{}';
alter table customers add column if not exists accepts_marketing boolean;
alter table customers add column if not exists addresses jsonb not null default '[]';
alter table customers add column if not exists phone text;

-- Which checkout and cart an order came from (Shopify's checkout_token and cart_token): how an abandoned checkout is
-- matched to the order that recovered it. Checkouts keep their cart token too.
alter table orders add column if not exists checkout_token text;
alter table orders add column if not exists cart_token text;
alter table checkouts add column if not exists cart_token text;
