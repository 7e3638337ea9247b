-- Two indexes no query reads, which cost every order and customer write an insertion:
-- - orders by day: daily summaries are recomputed from order_day_totals (0303), and customers' facts read a
--   customer's orders through orders_by_customer;
-- - customers by first-order day: new customers are counted from first_order_days (0303).
drop index if exists orders_by_day;
drop index if exists customers_by_first_day;
