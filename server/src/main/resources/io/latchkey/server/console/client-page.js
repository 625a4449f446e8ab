// One client's page: its method and keys, its usage and whether it caches its tokens (SPEC §10),
// its settings (PATCH, SPEC §6), and its API grants.

import { api } from './admin.js';
import { hasSecret, loadClients, openDelete, openRotate } from './clients.js';
import { $, askToConfirm, button, cell, currentView, emptyRow, run, show, showMessage, when, words } from './page.js';

let currentClient = null;
let apisKnown = [];
let grantsShown = [];

/** The id of the client whose page is shown, or null. */
export function currentClientId() {
  return currentView() === 'client' && currentClient ? currentClient.clientId : null;
}

export async function openClient(clientId) {
  const path = 'clients/' + encodeURIComponent(clientId);
  const [client, grants, apis, usage] = await Promise.all([
    api('GET', path), api('GET', path + '/apis'), api('GET', 'apis'), api('GET', path + '/usage')]);
  if (currentView() !== 'client' || !currentClient || currentClient.clientId !== client.clientId) {
    show('client');
  }
  currentClient = client;
  apisKnown = apis.apis;
  renderClient(client);
  renderUsage(usage);
  renderGrants(grants.grants);
  renderGrantForm();
}

function renderClient(client) {
  $('client-id').textContent = client.clientId;
  $('client-partner').textContent = client.partnerId;
  $('client-method').textContent = client.tokenEndpointAuthMethod;
  $('client-created').textContent = when(client.createdAt);
  $('client-previous').textContent = client.previousSecretExpiresAt ? when(client.previousSecretExpiresAt) : '—';
  $('client-expires').textContent = client.secretExpiresAt ? when(client.secretExpiresAt) : 'never';
  for (const id of ['client-rotate', 'client-previous', 'client-previous-label', 'client-expires',
    'client-expires-label']) {
    $(id).hidden = !hasSecret(client);
  }
  const keyed = Boolean(client.jwks || client.jwksUri);
  $('client-keys').hidden = !keyed;
  $('client-jwks').textContent = client.jwks ? JSON.stringify(client.jwks, null, 2) : '';
  $('client-jwks').hidden = !client.jwks;
  $('client-jwks-uri').textContent = client.jwksUri ? 'Fetched from ' + client.jwksUri : '';
  $('client-jwks-uri').hidden = !client.jwksUri;
  $('client-name').value = client.name || '';
  $('client-scopes').value = (client.scopes || []).join(' ');
  $('client-ttl').value = client.accessTokenTtl || '';
}

// GET /admin/clients/{id}/usage: every instance's count; not caching past twice what it needs.
function renderUsage(usage) {
  $('usage-hour').textContent = String(usage.lastHour);
  $('usage-day').textContent = String(usage.lastDay);
  $('usage-cap').textContent = usage.tokensPerHour === null ? 'none' : String(usage.tokensPerHour);
  $('usage-needed').textContent = usage.tokensNeededPerHour + ' (an hour divided by its tokens\' lifetime, '
    + 'for its own audience and each API it is granted)';
  const caching = $('usage-caching');
  caching.textContent = usage.notCaching
    ? 'Not caching: it got more than twice the tokens it needs in the last hour.' : 'Yes';
  caching.className = usage.notCaching ? 'flag' : 'ok';
}

function renderGrants(grants) {
  grantsShown = grants;
  const tbody = $('grants-body');
  tbody.replaceChildren();
  if (grants.length === 0) {
    emptyRow(tbody, 4, 'No API granted: tokens of this client carry the server\'s own audience only.');
    return;
  }
  for (const grant of grants) {
    const tr = document.createElement('tr');
    tr.dataset.apiId = grant.apiId;
    const known = apisKnown.find((a) => a.id === grant.apiId);
    const name = known && known.name ? known.name + ' — ' : '';
    tr.append(cell(name + (grant.identifier || grant.apiId), 'mono api'),
      cell((grant.scopes || []).join(' '), 'mono scopes'), cell(when(grant.grantedAt), 'time'));
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    actions.append(button('Withdraw', 'withdraw danger', () => withdrawGrant(grant)));
    tr.append(actions);
    tbody.append(tr);
  }
}

function renderGrantForm() {
  const select = $('grant-api');
  const chosen = select.value;
  select.replaceChildren();
  for (const known of apisKnown) {
    const option = document.createElement('option');
    option.value = known.id;
    option.textContent = known.identifier + (known.name ? ' (' + known.name + ')' : '');
    select.append(option);
  }
  if (apisKnown.some((a) => a.id === chosen)) {
    select.value = chosen;
  }
  $('grant-submit').disabled = apisKnown.length === 0;
  renderGrantScopes();
}

// One checkbox per scope of the chosen API: a grant is a subset of them (SPEC §6). Ticked are the
// scopes of the client's grant of that API when it has one, else all of them.
function renderGrantScopes() {
  const fieldset = $('grant-scopes');
  const legend = fieldset.querySelector('legend');
  fieldset.replaceChildren(legend);
  const chosen = apisKnown.find((a) => a.id === $('grant-api').value);
  if (!chosen) {
    const none = document.createElement('p');
    none.className = 'hint';
    none.textContent = 'No API registered yet: register one on the APIs page.';
    fieldset.append(none);
    return;
  }
  if (chosen.scopes.length === 0) {
    const none = document.createElement('p');
    none.className = 'hint';
    none.textContent = 'This API has no scopes: the grant gives access to it without any.';
    fieldset.append(none);
  }
  const existing = grantsShown.find((g) => g.apiId === chosen.id);
  for (const scope of chosen.scopes) {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = scope;
    box.checked = existing ? existing.scopes.includes(scope) : true;
    label.append(box, document.createTextNode(' ' + scope));
    fieldset.append(label);
  }
}

async function grantApi(event) {
  event.preventDefault();
  const client = currentClient;
  const apiId = $('grant-api').value;
  if (!client || apiId === '') {
    return;
  }
  const scopes = [...$('grant-scopes').querySelectorAll('input[type=checkbox]')]
    .filter((box) => box.checked).map((box) => box.value);
  await run(async () => {
    await api('PUT', 'clients/' + encodeURIComponent(client.clientId) + '/apis/' + encodeURIComponent(apiId),
      { scopes });
    await openClient(client.clientId);
    const granted = apisKnown.find((a) => a.id === apiId);
    showMessage('Granted ' + (granted ? granted.identifier : apiId) + ' to client ' + client.clientId + '.', 'info');
  });
}

function withdrawGrant(grant) {
  const client = currentClient;
  askToConfirm('Withdraw grant', 'Withdraw ' + (grant.identifier || grant.apiId) + ' from client '
    + client.clientId + '? Its tokens for that API stop working at once.', 'Withdraw', async () => {
    await api('DELETE', 'clients/' + encodeURIComponent(client.clientId) + '/apis/'
      + encodeURIComponent(grant.apiId));
    await openClient(client.clientId);
    showMessage('Withdrew ' + (grant.identifier || grant.apiId) + ' from client ' + client.clientId + '.', 'info');
  });
}

// PATCH /admin/clients/{id} with the fields that changed (SPEC §6); an emptied lifetime drops the cap.
async function saveClient(event) {
  event.preventDefault();
  const client = currentClient;
  if (!client) {
    return;
  }
  const body = {};
  const name = $('client-name').value.trim();
  if (name !== (client.name || '')) {
    if (name === '') {
      showMessage('A name cannot be removed, only changed.', 'error');
      return;
    }
    body.name = name;
  }
  const scopes = words($('client-scopes').value);
  if (scopes.join(' ') !== (client.scopes || []).join(' ')) {
    body.scopes = scopes;
  }
  const ttl = $('client-ttl').value.trim();
  if (ttl !== (client.accessTokenTtl || '')) {
    body.accessTokenTtl = ttl === '' ? null : ttl;
  }
  if (Object.keys(body).length === 0) {
    showMessage('Nothing to change.', 'info');
    return;
  }
  await run(async () => {
    const changed = await api('PATCH', 'clients/' + encodeURIComponent(client.clientId), body);
    currentClient = changed;
    renderClient(changed);
    showMessage('Saved client ' + changed.clientId + '.', 'info');
  });
}

export function resetClientPage() {
  currentClient = null;
  apisKnown = [];
  grantsShown = [];
  for (const id of ['grants-body', 'grant-api', 'client-jwks', 'usage-hour', 'usage-day', 'usage-cap', 'usage-needed',
    'usage-caching']) {
    $(id).replaceChildren();
  }
}

export function wireClientPage() {
  $('client-back').addEventListener('click', () => {
    show('clients');
    run(loadClients);
  });
  $('client-form').addEventListener('submit', saveClient);
  $('client-rotate').addEventListener('click', () => openRotate(currentClient.clientId));
  $('client-delete').addEventListener('click', () => openDelete(currentClient.clientId));
  $('grant-form').addEventListener('submit', grantApi);
  $('grant-api').addEventListener('change', renderGrantScopes);
}
