import { h } from './dom.js';

// What a segment rule may test, and how each kind of field is compared and typed in.
const OPS = {
  number: ['gte', 'gt', 'lte', 'lt', 'eq', 'ne', 'between', 'in'],
  date: ['within_last_days', 'gte', 'gt', 'lte', 'lt', 'eq', 'between'],
  text: ['eq', 'ne', 'in', 'contains'],
  choice: ['eq', 'ne', 'in'],
  tags: ['contains', 'in'],
  bool: ['eq'],
};
export const OP_NAMES = {
  eq: 'is', ne: 'is not', gt: 'is more than', gte: 'is at least', lt: 'is less than', lte: 'is at most', between: 'is between',
  in: 'is one of', contains: 'contains', within_last_days: 'is within the last … days',
};
const RFM_SEGMENTS = ['Champions', 'Loyal', 'Potential loyalists', 'New', 'Promising', 'Needs attention', 'At risk', "Can't lose them", 'Hibernating', 'Lost'];

export const RULE_FIELDS = [
  ['orders_count', 'Orders', 'number'], ['lifetime_revenue', 'Lifetime revenue', 'number'], ['avg_order_value', 'Average order value', 'number'],
  ['first_order_date', 'First order', 'date'], ['last_order_date', 'Last order', 'date'], ['days_since_last_order', 'Days since last order', 'number'],
  ['rfm_segment', 'RFM segment', 'choice', RFM_SEGMENTS], ['r', 'Recency score (1–5)', 'number'], ['f', 'Frequency score (1–5)', 'number'],
  ['m', 'Monetary score (1–5)', 'number'], ['churn_status', 'Churn status', 'choice', ['active', 'at_risk', 'lost']],
  ['p_alive', 'Chance still active (0–1)', 'number'], ['country', 'Country', 'text'], ['city', 'City', 'text'], ['tags', 'Tags', 'tags'],
  ['accepts_marketing', 'Accepts marketing', 'bool'],
];
const kindOf = (field) => RULE_FIELDS.find(([id]) => id === field)?.[2] ?? 'text';
const choicesOf = (field) => RULE_FIELDS.find(([id]) => id === field)?.[3];

function typed(kind, op, text) {
  const t = String(text ?? '').trim();
  if (t === '') return null;
  if (op === 'within_last_days' || kind === 'number') return Number.isFinite(Number(t)) ? Number(t) : t;
  if (kind === 'bool') return t === 'true';
  return t;
}
const shown = (value) => (value === null || value === undefined ? '' : String(value));

/** One condition of the builder: field, comparison and value(s); read() answers {field, op, value}. */
export function conditionRow(rule, onRemove) {
  const field = h('select', { class: 'cond-field', 'aria-label': 'Field' }, RULE_FIELDS.map(([id, text]) => h('option', { value: id }, text)));
  const op = h('select', { class: 'cond-op', 'aria-label': 'Comparison' });
  const values = h('span', { class: 'cond-values' });
  const li = h('li', { class: 'condition' }, field, op, values,
    h('button', { type: 'button', class: 'ghost small-btn remove-condition', 'aria-label': 'Remove condition', onclick: onRemove }, '×'));

  function input(kind, value, label) {
    if (kind === 'bool') return h('select', { class: 'cond-value', 'aria-label': label }, h('option', { value: 'true', selected: value !== false }, 'yes'), h('option', { value: 'false', selected: value === false }, 'no'));
    const choices = choicesOf(field.value);
    if (choices && op.value !== 'in') return h('select', { class: 'cond-value', 'aria-label': label }, choices.map((c) => h('option', { value: c, selected: c === value }, c.replace(/_/g, ' '))));
    const type = op.value === 'within_last_days' || kind === 'number' ? 'number' : kind === 'date' && op.value !== 'in' ? 'date' : 'text';
    return h('input', { class: 'cond-value', type, 'aria-label': label, value: shown(value), step: type === 'number' ? 'any' : null,
      placeholder: op.value === 'in' ? 'comma-separated values' : null });
  }

  function drawValues(value) {
    const kind = kindOf(field.value);
    if (op.value === 'between') {
      const [low, high] = Array.isArray(value) ? value : [value, null];
      values.replaceChildren(input(kind, low, 'From'), h('span', { class: 'muted' }, 'and'), input(kind, high, 'To'));
    } else if (op.value === 'in') {
      values.replaceChildren(input(kind, Array.isArray(value) ? value.join(', ') : value, 'Values'));
    } else {
      values.replaceChildren(input(kind, Array.isArray(value) ? value[0] : value, 'Value'));
    }
  }

  function drawOps(selected) {
    const ops = OPS[kindOf(field.value)];
    op.replaceChildren(...ops.map((o) => h('option', { value: o }, OP_NAMES[o] ?? o)));
    op.value = ops.includes(selected) ? selected : ops[0];
  }

  field.value = RULE_FIELDS.some(([id]) => id === rule?.field) ? rule.field : 'orders_count';
  drawOps(rule?.op);
  drawValues(rule?.value);
  field.addEventListener('change', () => { drawOps(op.value); drawValues(null); });
  op.addEventListener('change', () => drawValues(null));

  li.read = () => {
    const kind = kindOf(field.value);
    const inputs = [...values.querySelectorAll('.cond-value')].map((e) => e.value);
    let value;
    if (op.value === 'between') value = inputs.map((t) => typed(kind, op.value, t));
    else if (op.value === 'in') value = inputs[0].split(',').map((t) => typed(kind, op.value, t)).filter((v) => v !== null);
    else value = typed(kind, op.value, inputs[0]);
    return { field: field.value, op: op.value, value };
  };
  return li;
}
