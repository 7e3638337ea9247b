-- Where a customer is: the city and country of the Shopify customer record's default address (null for guests).
-- Customers projected before this migration get them at the next `growhalo projections rebuild --projection commerce`.
alter table customers add column if not exists city text;
alter table customers add column if not exists country text;
