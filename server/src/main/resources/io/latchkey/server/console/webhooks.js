// Webhooks (SPEC §10): subscribe a URL to events (the signing secret shown once), list them with
// those whose deliveries keep failing marked, and delete them.

import { api } from './admin.js';
import { $, askToConfirm, button, cell, emptyRow, run, showMessage, when } from './page.js';

export const EVENT_TYPES = ['client.created', 'client.deleted', 'client.secret_rotated', 'client.secret_expiring',
  'apikey.created', 'apikey.deleted', 'keys.rotated', 'refresh_token.reuse_detected', 'client.locked_out'];

export async function loadWebhooks() {
  const data = await api('GET', 'webhooks');
  const tbody = $('webhooks-body');
  tbody.replaceChildren();
  let failing = 0;
  for (const webhook of data.webhooks) {
    const tr = document.createElement('tr');
    tr.dataset.webhookId = webhook.id;
    const state = cell(webhook.failing ? 'Failing since ' + when(webhook.failingSince) : 'OK', 'state');
    if (webhook.failing) {
      tr.className = 'failing';
      failing++;
    }
    const actions = document.createElement('td');
    actions.append(button('Delete', 'danger delete', () => confirmDelete(webhook)));
    tr.append(cell(webhook.id, 'mono webhook-id'), cell(webhook.url, 'mono url'), cell(webhook.events.join(' '), 'mono'),
      state, cell(when(webhook.createdAt), 'time'), actions);
    tbody.append(tr);
  }
  if (data.webhooks.length === 0) {
    emptyRow(tbody, 6, 'No webhook yet.');
  }
  $('webhooks-failing').hidden = failing === 0;
  $('webhooks-failing').textContent = failing === 1 ? '1 webhook is failing: its deliveries are being retried.'
    : failing + ' webhooks are failing: their deliveries are being retried.';
}

async function create(event) {
  event.preventDefault();
  const events = [...document.querySelectorAll('#webhook-events input:checked')].map((box) => box.value);
  await run(async () => {
    const created = await api('POST', 'webhooks', { url: $('webhook-url').value.trim(), events });
    $('webhook-form').reset();
    $('webhook-secret-id').value = created.id;
    $('webhook-secret-value').value = created.secret;
    $('webhook-secret-dialog').showModal();
    $('webhook-secret-value').select();
    await loadWebhooks();
  });
}

function confirmDelete(webhook) {
  askToConfirm('Delete webhook', 'Delete the webhook to ' + webhook.url + '? Nothing more is delivered to it, '
    + 'and its delivery log goes with it.', 'Delete', async () => {
    await api('DELETE', 'webhooks/' + encodeURIComponent(webhook.id));
    await loadWebhooks();
    showMessage('Deleted webhook ' + webhook.id + '.', 'info');
  });
}

function closeSecret() {
  $('webhook-secret-value').value = '';
  $('webhook-secret-dialog').close();
}

export function resetWebhooks() {
  $('webhooks-body').replaceChildren();
  $('webhook-secret-value').value = '';
}

export function wireWebhooks() {
  const boxes = $('webhook-events');
  for (const type of ['*', ...EVENT_TYPES]) {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = type;
    label.append(box, document.createTextNode(type === '*' ? '* (all)' : type));
    boxes.append(label);
  }
  $('webhook-form').addEventListener('submit', create);
  $('webhook-secret-done').addEventListener('click', closeSecret);
  $('webhook-secret-dialog').addEventListener('close', () => {
    $('webhook-secret-value').value = '';
  });
}
