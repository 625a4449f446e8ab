// The overview (GET /admin/overview): this instance's last hour as charts, the busiest clients,
// those that do not cache their tokens, the secrets about to expire and the failing webhooks.

import { api } from './admin.js';
import { barChart, columnChart } from './chart.js';
import { openClient } from './client-page.js';
import { $, button, cell, emptyRow, run, when } from './page.js';

export async function loadOverview() {
  const within = $('overview-within').value;
  const data = await api('GET', 'overview' + (within === '' ? '' : '?within=' + encodeURIComponent(within)));
  renderOverview(data);
}

// 2026-01-31T12:05:00Z -> 12:05 (the axis says UTC once).
function clock(instant) {
  return String(instant).substring(11, 16);
}

function renderOverview(data) {
  $('overview-generated').textContent = 'As of ' + when(data.generatedAt) + '.';
  const minutes = data.tokensPerMinute || [];
  const instanceTotal = minutes.reduce((sum, m) => sum + m.tokens, 0);
  columnChart($('chart-tokens'), minutes.map((m) => ({
    label: clock(m.minute),
    value: m.tokens,
    title: clock(m.minute) + ' UTC: ' + m.tokens + (m.tokens === 1 ? ' token' : ' tokens'),
  })), { label: 'Access tokens issued per minute over the last hour', empty: 'No tokens issued in the last hour.',
    tickEvery: 10 });
  $('chart-tokens-total').textContent = instanceTotal + ' in the last hour on this instance; '
    + data.tokensLastHour + ' on every instance.';
  const errors = data.errorsLastHour || [];
  barChart($('chart-errors'), errors.map((e) => ({ label: e.error, value: e.count })),
    { label: 'Error answers by error code over the last hour', empty: 'No errors in the last hour.' });
  $('chart-errors-total').textContent = errors.reduce((sum, e) => sum + e.count, 0)
    + ' error answers in the last hour on this instance.';
  renderUsage($('top-body'), data.topClients, 'No client got a token in the last hour.');
  renderUsage($('not-caching-body'), data.notCaching, 'Every client caches its tokens.');
  $('not-caching-count').textContent = data.notCaching.length === 0 ? '' : '(' + data.notCaching.length + ')';
  renderExpiring(data);
  renderFailingWebhooks(data.failingWebhooks || []);
}

function renderFailingWebhooks(webhooks) {
  const tbody = $('failing-webhooks-body');
  tbody.replaceChildren();
  if (webhooks.length === 0) {
    emptyRow(tbody, 3, 'Every webhook is being delivered.');
    return;
  }
  for (const webhook of webhooks) {
    const tr = document.createElement('tr');
    tr.dataset.webhookId = webhook.id;
    tr.classList.add('flagged');
    tr.append(cell(webhook.id, 'mono'), cell(webhook.url, 'mono url'), cell(when(webhook.failingSince), 'time'));
    tbody.append(tr);
  }
}

function openButton(clientId) {
  return button('Open', 'open secondary', () => run(() => openClient(clientId)));
}

function renderUsage(tbody, clients, empty) {
  tbody.replaceChildren();
  if (clients.length === 0) {
    emptyRow(tbody, 7, empty);
    return;
  }
  for (const client of clients) {
    const tr = document.createElement('tr');
    tr.dataset.clientId = client.clientId;
    const flag = cell(client.notCaching ? 'not caching' : 'caching', client.notCaching ? 'flag' : 'ok');
    flag.classList.add('caching');
    tr.append(cell(client.clientId, 'mono client-id'), cell(client.partnerId, 'partner'), cell(client.name),
      cell(client.lastHour, 'number tokens'), cell(client.tokensNeededPerHour, 'number needed'), flag);
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    actions.append(openButton(client.clientId));
    tr.append(actions);
    if (client.notCaching) {
      tr.classList.add('flagged');
    }
    tbody.append(tr);
  }
}

function renderExpiring(data) {
  $('expiring-within').textContent = data.secretsExpiringWithin;
  const tbody = $('expiring-body');
  tbody.replaceChildren();
  if (data.expiringSecrets.length === 0) {
    emptyRow(tbody, 6, 'No secret expires within ' + data.secretsExpiringWithin + '.');
    return;
  }
  const now = Date.parse(data.generatedAt);
  for (const client of data.expiringSecrets) {
    const tr = document.createElement('tr');
    tr.dataset.clientId = client.clientId;
    const days = Math.floor((Date.parse(client.secretExpiresAt) - now) / 86400000);
    const status = client.expired ? 'expired' : days < 1 ? 'within a day' : 'in ' + days + (days === 1 ? ' day' : ' days');
    tr.append(cell(client.clientId, 'mono client-id'), cell(client.partnerId, 'partner'), cell(client.name),
      cell(when(client.secretExpiresAt), 'time'), cell(status, client.expired ? 'flag status' : 'soon status'));
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    actions.append(openButton(client.clientId));
    tr.append(actions);
    tbody.append(tr);
  }
}

export function resetOverview() {
  for (const id of ['chart-tokens', 'chart-errors', 'top-body', 'not-caching-body', 'expiring-body',
    'failing-webhooks-body']) {
    $(id).replaceChildren();
  }
  for (const id of ['overview-generated', 'chart-tokens-total', 'chart-errors-total', 'not-caching-count',
    'expiring-within']) {
    $(id).textContent = '';
  }
}

export function wireOverview() {
  $('overview-refresh').addEventListener('click', () => run(loadOverview));
  $('overview-within').addEventListener('change', () => run(loadOverview));
}
