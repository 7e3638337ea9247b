-- What the customer record says beyond name and place: every address, the tags, and marketing consent
-- (accepts_marketing, or email_marketing_consent.state = 'subscribed'; null for guests, who have no record).
-- Customers projected before this migration get them at the next `growhalo projections rebuild --projection commerce`.
alter table customers add column if not exists tags text[] not null default '{}';
alter table customers add column if not exists accepts_marketing boolean;
alter table customers add column if not exists addresses jsonb not null default '[]';
alter table customers add column if not exists phone text;
