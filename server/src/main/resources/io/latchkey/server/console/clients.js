// The clients: list, create (with a secret or a JWK set, SPEC §7), the secret shown once, rotate, delete.
// Each row is flagged as the overview flags it: not caching its tokens, its secret expired or expiring.

import { api } from './admin.js';
import { currentClientId, openClient } from './client-page.js';
import { $, button, cell, clearMessage, currentView, emptyRow, run, show, showMessage, when, words } from './page.js';

const MAX_GRACE_SECONDS = 30 * 24 * 3600;

let rotateClientId = null;
let deleteClientId = null;
// Client id -> the flags its row shows: [{text, kind, title}], from GET /admin/overview.
let flags = new Map();

export async function loadClients() {
  const partner = $('search-partner').value.trim();
  const path = partner === '' ? 'clients' : 'clients?partnerId=' + encodeURIComponent(partner);
  const [data] = await Promise.all([api('GET', path), loadFlags()]);
  renderClients(data.clients);
}

async function loadFlags() {
  const overview = await api('GET', 'overview');
  const next = new Map();
  const add = (clientId, flag) => next.set(clientId, [...(next.get(clientId) || []), flag]);
  for (const client of overview.notCaching) {
    add(client.clientId, { text: 'not caching', kind: 'flag', title: client.lastHour + ' tokens in the last hour; '
      + 'a client that caches them needs ' + client.tokensNeededPerHour + '.' });
  }
  for (const client of overview.expiringSecrets) {
    add(client.clientId, client.expired
      ? { text: 'secret expired', kind: 'flag', title: 'Expired ' + when(client.secretExpiresAt) + '.' }
      : { text: 'secret expires soon', kind: 'soon', title: 'Expires ' + when(client.secretExpiresAt) + '.' });
  }
  flags = next;
}

function flagsCell(clientId) {
  const td = cell('', 'flags');
  for (const flag of flags.get(clientId) || []) {
    const span = document.createElement('span');
    span.className = flag.kind;
    span.textContent = flag.text;
    span.title = flag.title;
    td.append(span);
  }
  return td;
}

function renderClients(clients) {
  const tbody = $('clients-body');
  tbody.replaceChildren();
  const partner = $('search-partner').value.trim();
  $('clients-count').textContent = clients.length === 1 ? '1 client' : clients.length + ' clients';
  if (clients.length === 0) {
    emptyRow(tbody, 9, partner === '' ? 'No clients yet.' : 'No client of this partner.');
    return;
  }
  for (const client of clients) {
    const tr = document.createElement('tr');
    tr.dataset.clientId = client.clientId;
    tr.append(
      cell(client.clientId, 'mono client-id'),
      cell(client.partnerId, 'partner'),
      cell(client.name),
      cell((client.scopes || []).join(' '), 'mono'),
      cell(client.tokenEndpointAuthMethod, 'mono method'),
      cell(when(client.createdAt), 'time'),
      cell(when(client.previousSecretExpiresAt), 'time'),
      flagsCell(client.clientId));
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    actions.append(button('Open', 'open secondary', () => run(() => openClient(client.clientId))));
    if (hasSecret(client)) {
      actions.append(button('Rotate secret', 'rotate secondary', () => openRotate(client.clientId)));
    }
    actions.append(button('Delete', 'delete danger', () => openDelete(client.clientId)));
    tr.append(actions);
    tbody.append(tr);
  }
}

// Only the secret methods have a secret to rotate (SPEC §7).
export function hasSecret(client) {
  return client.tokenEndpointAuthMethod === 'client_secret_basic'
    || client.tokenEndpointAuthMethod === 'client_secret_post';
}

export function showMethodFields() {
  $('create-jwks-field').hidden = $('create-method').value !== 'private_key_jwt';
}

async function createClient(event) {
  event.preventDefault();
  const body = { partnerId: $('create-partner').value.trim() };
  const method = $('create-method').value;
  if (method !== 'client_secret_basic') {
    body.tokenEndpointAuthMethod = method;
  }
  if (method === 'private_key_jwt') {
    const text = $('create-jwks').value.trim();
    if (text === '') {
      showMessage('Paste the JWK set of the client\'s public keys: {"keys": [ … ]}.', 'error');
      return;
    }
    try {
      body.jwks = JSON.parse(text);
    } catch (e) {
      showMessage('The JWK set is not valid JSON: ' + e.message, 'error');
      return;
    }
  }
  const name = $('create-name').value.trim();
  if (name !== '') {
    body.name = name;
  }
  const scopes = words($('create-scopes').value);
  if (scopes.length > 0) {
    body.scopes = scopes;
  }
  await run(async () => {
    const created = await api('POST', 'clients', body);
    $('create-form').reset();
    showMethodFields();
    if (created.clientSecret) {
      showSecret('Credentials created', created.clientId, created.clientSecret,
        'Partner ' + created.partnerId + '.');
    } else {
      showSecret('Client created', created.clientId, null, 'Partner ' + created.partnerId + '. The client '
        + 'authenticates with ' + created.tokenEndpointAuthMethod + ' and has no secret.');
    }
    await loadClients();
  });
}

// --- the secret, shown once -----------------------------------------------------------------------

function showSecret(title, clientId, secret, note) {
  $('secret-title').textContent = title;
  $('secret-client').value = clientId;
  $('secret-value').value = secret || '';
  $('secret-part').hidden = !secret;
  $('secret-warning').hidden = !secret;
  $('secret-note').textContent = note;
  for (const copy of document.querySelectorAll('#secret-dialog .copy')) {
    copy.textContent = 'Copy';
  }
  $('secret-dialog').showModal();
  if (secret) {
    $('secret-value').select();
  }
}

// The secret leaves the page when the dialog closes: nothing keeps a copy.
export function clearSecret() {
  $('secret-client').value = '';
  $('secret-value').value = '';
  $('secret-note').textContent = '';
}

async function copyField(copyButton) {
  const field = $(copyButton.dataset.copy);
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(field.value);
    } else {
      // Plain HTTP on another host has no Clipboard API: copy the selection instead.
      field.select();
      if (!document.execCommand('copy')) {
        throw new Error('copy refused');
      }
    }
    copyButton.textContent = 'Copied';
  } catch (e) {
    field.select();
    copyButton.textContent = 'Press Ctrl+C';
  }
}

// --- rotating a secret ----------------------------------------------------------------------------

export function openRotate(clientId) {
  rotateClientId = clientId;
  $('rotate-form').reset();
  $('rotate-client').textContent = clientId;
  $('rotate-dialog').showModal();
}

async function rotateSecret(event) {
  event.preventDefault();
  const amount = Number($('rotate-grace').value);
  const graceSeconds = amount * Number($('rotate-unit').value);
  if (!Number.isInteger(amount) || amount < 0 || graceSeconds > MAX_GRACE_SECONDS) {
    showMessage('The grace period must be a whole number, at most 30 days.', 'error');
    $('rotate-dialog').close();
    return;
  }
  const clientId = rotateClientId;
  $('rotate-dialog').close();
  await run(async () => {
    const rotated = await api('POST', 'clients/' + encodeURIComponent(clientId) + '/secret', { graceSeconds });
    showSecret('Secret rotated', rotated.clientId, rotated.clientSecret, rotated.previousSecretExpiresAt
      ? 'The previous secret keeps working until ' + when(rotated.previousSecretExpiresAt) + '.'
      : 'The previous secret no longer works.');
    await refreshCurrent();
  });
}

// --- deleting a client ----------------------------------------------------------------------------

export function openDelete(clientId) {
  deleteClientId = clientId;
  $('delete-form').reset();
  $('delete-client').textContent = clientId;
  $('delete-confirm').disabled = true;
  $('delete-dialog').showModal();
  $('delete-confirm-id').focus();
}

async function deleteClient(event) {
  event.preventDefault();
  const clientId = deleteClientId;
  if ($('delete-confirm-id').value.trim() !== clientId) {
    return;
  }
  $('delete-dialog').close();
  await run(async () => {
    await api('DELETE', 'clients/' + encodeURIComponent(clientId));
    if (currentView() !== 'clients') {
      show('clients');
    }
    await loadClients();
    showMessage('Deleted client ' + clientId + '.', 'info');
  });
}

// The page shown again after a change made from a dialog.
async function refreshCurrent() {
  const shown = currentClientId();
  if (shown) {
    await openClient(shown);
  } else {
    await loadClients();
  }
}

/** Shows the clients, as right after signing in. */
export async function showClients(clients) {
  show('clients');
  renderClients(clients);
  await loadFlags();
  renderClients(clients);
}

export function resetClients() {
  $('clients-body').replaceChildren();
  flags = new Map();
  clearSecret();
}

export function wireClients() {
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearMessage();
    run(loadClients);
  });
  $('search-clear').addEventListener('click', () => {
    $('search-partner').value = '';
    clearMessage();
    run(loadClients);
  });
  $('create-form').addEventListener('submit', createClient);
  $('create-method').addEventListener('change', showMethodFields);

  $('secret-done').addEventListener('click', () => $('secret-dialog').close());
  $('secret-dialog').addEventListener('close', clearSecret);
  for (const copy of document.querySelectorAll('#secret-dialog .copy')) {
    copy.addEventListener('click', () => copyField(copy));
  }

  $('rotate-form').addEventListener('submit', rotateSecret);
  $('rotate-cancel').addEventListener('click', () => $('rotate-dialog').close());

  $('delete-form').addEventListener('submit', deleteClient);
  $('delete-cancel').addEventListener('click', () => $('delete-dialog').close());
  $('delete-confirm-id').addEventListener('input', () => {
    $('delete-confirm').disabled = $('delete-confirm-id').value.trim() !== deleteClientId;
  });
}
