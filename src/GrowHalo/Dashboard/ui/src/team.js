import { sendJson } from './api.js';
import { h, replace } from './dom.js';
import { dateTime } from './format.js';
import { problemText } from './signin.js';
import { createPanel, emptyState } from './states.js';

/**
 * The brand's team, for owners and admins (admin-only): members with their roles, open invitations, and an invite form
 * that answers a one-time link to pass on (GrowHalo sends no e-mail).
 */
export function createTeam(ctx) {
  const panel = createPanel('the team', { id: 'team-members' });
  const email = h('input', { id: 'invite-email', type: 'email', placeholder: 'colleague@brand.com', 'aria-label': 'E-mail to invite', autocomplete: 'off' });
  const role = h('select', { id: 'invite-role', 'aria-label': 'Role' }, ['analyst', 'admin', 'owner'].map((r) => h('option', { value: r }, r)));
  const result = h('p', { class: 'small', id: 'invite-result', role: 'status', hidden: true });
  const me = () => ctx.session()?.user;

  async function invite(event) {
    event.preventDefault();
    result.hidden = true;
    try {
      const answer = await sendJson('POST', '/api/v1/tenant/members', { email: email.value.trim(), role: role.value });
      const link = new URL(answer.invite_url, location.origin).href;
      replace(result, 'Invitation link for ', h('strong', {}, answer.email), ' (works once, until ', dateTime(answer.expires_at), '): ',
        h('input', { id: 'invite-link', readonly: true, value: link, onfocus: (e) => e.target.select(), 'aria-label': 'Invitation link' }));
      result.className = 'small';
      email.value = '';
      load();
    } catch (error) {
      result.textContent = problemText(error);
      result.className = 'form-error small';
    }
    result.hidden = false;
  }

  async function remove(member) {
    if (!confirm(`Remove ${member.email} from this brand?`)) return;
    try {
      await sendJson('DELETE', `/api/v1/tenant/members/${encodeURIComponent(member.user_id)}`);
      load();
    } catch (error) {
      result.textContent = problemText(error);
      result.className = 'form-error small';
      result.hidden = false;
    }
  }

  function render(answer) {
    const members = Array.isArray(answer?.members) ? answer.members : [];
    const invites = Array.isArray(answer?.invites) ? answer.invites : [];
    if (!members.length && !invites.length) return emptyState('Nobody yet.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'data compact', id: 'team-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Person'), h('th', {}, 'Role'), h('th', {}, 'Since'), h('th', {}, ''))),
      h('tbody', {},
        members.map((m) => h('tr', { dataset: { member: m.email } }, h('td', {}, m.email), h('td', {}, m.role), h('td', {}, dateTime(m.joined_at)),
          h('td', {}, m.user_id === me()?.id ? 'you' : h('button', { type: 'button', class: 'link', onclick: () => remove(m) }, 'Remove')))),
        invites.map((i) => h('tr', { dataset: { invite: i.email } }, h('td', {}, i.email), h('td', {}, i.role), h('td', { class: 'muted' }, `invited, until ${dateTime(i.expires_at)}`), h('td', {}, ''))))));
  }

  const load = () => panel.load(() => ctx.get('/api/v1/tenant/members'), render);
  const element = h('section', { class: 'card admin-only', id: 'team' },
    h('div', { class: 'section-head' }, h('h2', {}, 'Team'), h('p', { class: 'muted' }, 'Who can sign in to this brand. Analysts only read; admins and owners also change settings, connections and segments.')),
    panel.body,
    h('form', { class: 'toolbar', id: 'invite-form-team', onsubmit: invite }, email, role, h('button', { type: 'submit', class: 'primary' }, 'Invite')),
    result);
  return { element, load };
}
