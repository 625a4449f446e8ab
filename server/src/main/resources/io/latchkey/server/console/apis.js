// The protected APIs (SPEC §6): register, list, change, delete.

import { api } from './admin.js';
import { $, askToConfirm, button, cell, emptyRow, run, showMessage, when, words } from './page.js';

let editedApi = null;

export async function loadApis() {
  const data = await api('GET', 'apis');
  renderApis(data.apis);
}

function renderApis(apis) {
  const tbody = $('apis-body');
  tbody.replaceChildren();
  $('apis-count').textContent = apis.length === 1 ? '1 API' : apis.length + ' APIs';
  if (apis.length === 0) {
    emptyRow(tbody, 6, 'No API registered yet: every token carries the server\'s own audience.');
    return;
  }
  for (const registered of apis) {
    const tr = document.createElement('tr');
    tr.dataset.apiId = registered.id;
    tr.append(cell(registered.identifier, 'mono identifier'), cell(registered.name),
      cell(registered.scopes.join(' '), 'mono scopes'),
      cell(registered.accessTokenTtl || 'server default', 'mono ttl'), cell(when(registered.createdAt), 'time'));
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    actions.append(button('Change', 'edit secondary', () => openApiEdit(registered)),
      button('Delete', 'delete danger', () => deleteApi(registered)));
    tr.append(actions);
    tbody.append(tr);
  }
}

async function registerApi(event) {
  event.preventDefault();
  const body = { identifier: $('api-identifier').value.trim(), scopes: words($('api-scopes').value) };
  const name = $('api-name').value.trim();
  if (name !== '') {
    body.name = name;
  }
  const ttl = $('api-ttl').value.trim();
  if (ttl !== '') {
    body.accessTokenTtl = ttl;
  }
  await run(async () => {
    const created = await api('POST', 'apis', body);
    $('api-form').reset();
    await loadApis();
    showMessage('Registered ' + created.identifier + '.', 'info');
  });
}

function openApiEdit(registered) {
  editedApi = registered;
  $('api-edit-identifier').textContent = registered.identifier;
  $('api-edit-name').value = registered.name || '';
  $('api-edit-scopes').value = registered.scopes.join(' ');
  $('api-edit-ttl').value = registered.accessTokenTtl || '';
  $('api-dialog').showModal();
}

// PATCH /admin/apis/{id} with the fields that changed (SPEC §6); an emptied lifetime is the server's.
async function saveApi(event) {
  event.preventDefault();
  const registered = editedApi;
  if (!registered) {
    return;
  }
  const body = {};
  const name = $('api-edit-name').value.trim();
  if (name !== (registered.name || '') && name !== '') {
    body.name = name;
  }
  const scopes = words($('api-edit-scopes').value);
  if (scopes.join(' ') !== registered.scopes.join(' ')) {
    body.scopes = scopes;
  }
  const ttl = $('api-edit-ttl').value.trim();
  if (ttl !== (registered.accessTokenTtl || '')) {
    body.accessTokenTtl = ttl === '' ? null : ttl;
  }
  $('api-dialog').close();
  if (Object.keys(body).length === 0) {
    showMessage('Nothing to change.', 'info');
    return;
  }
  await run(async () => {
    const changed = await api('PATCH', 'apis/' + encodeURIComponent(registered.id), body);
    await loadApis();
    showMessage('Saved ' + changed.identifier + '.', 'info');
  });
}

function deleteApi(registered) {
  askToConfirm('Delete API', 'Delete ' + registered.identifier + '? Every grant to it goes with it, and its '
    + 'tokens stop working at once. This cannot be undone.', 'Delete', async () => {
    await api('DELETE', 'apis/' + encodeURIComponent(registered.id));
    await loadApis();
    showMessage('Deleted ' + registered.identifier + ' and every grant to it.', 'info');
  });
}

export function resetApis() {
  $('apis-body').replaceChildren();
}

export function wireApis() {
  $('api-form').addEventListener('submit', registerApi);
  $('api-edit-form').addEventListener('submit', saveApi);
  $('api-edit-cancel').addEventListener('click', () => $('api-dialog').close());
  $('api-dialog').addEventListener('close', () => {
    editedApi = null;
  });
}
