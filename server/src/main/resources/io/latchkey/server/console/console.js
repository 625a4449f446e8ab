// Latchkey web console: plain JavaScript over the admin API, no build step, no third-party code.
//
// Security rules of this file:
// - The admin API key lives in the variable `apiKey` only: never in a cookie, local storage or
//   session storage. The browser never sends it by itself, so no other site can make it act (CSRF).
// - Data from the server is put on the page with textContent or element properties, never as HTML,
//   so a partner id such as <img src=x onerror=…> shows as text and cannot run.
// - The page's Content-Security-Policy allows no inline script or style: no handler in the HTML.
'use strict';

(() => {
  let apiKey = null;
  let auditNext = null;
  let auditFilters = null;
  let rotateClientId = null;
  let deleteClientId = null;

  const AUDIT_PAGE = 50;
  const MAX_GRACE_SECONDS = 30 * 24 * 3600;

  const $ = (id) => document.getElementById(id);

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // --- the admin API --------------------------------------------------------------------------

  // Paths are relative to /console/, so the console also works behind a proxy that adds a prefix.
  async function api(method, path, body) {
    if (apiKey === null) {
      throw new ApiError(401, 'Sign in first.');
    }
    const headers = { 'X-API-Key': apiKey, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch('../admin/' + path, init);
    } catch (e) {
      throw new ApiError(0, 'The server could not be reached.');
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const message = data && typeof data.message === 'string'
        ? data.message : 'The server answered ' + response.status + '.';
      throw new ApiError(response.status, message);
    }
    return data;
  }

  // Runs an action of the page: its errors become a message, and a refused key signs out.
  async function run(action) {
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        signOut('The API key was not accepted. Sign in again.');
      } else {
        showMessage(e instanceof ApiError ? e.message : 'Something went wrong: ' + e, 'error');
      }
    }
  }

  // --- small helpers for the page ---------------------------------------------------------------

  function showMessage(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.className = kind;
    message.hidden = false;
  }

  function clearMessage() {
    $('message').hidden = true;
    $('message').textContent = '';
  }

  // A table cell holding text only.
  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) {
      td.className = className;
    }
    return td;
  }

  function button(label, className, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = className;
    b.addEventListener('click', onClick);
    return b;
  }

  function emptyRow(tbody, columns, text) {
    const tr = document.createElement('tr');
    const td = cell(text, 'empty');
    td.colSpan = columns;
    tr.append(td);
    tbody.append(tr);
  }

  // 2026-01-31T12:00:00.123Z -> 2026-01-31 12:00:00Z: UTC, as the server and the audit log keep it.
  function when(instant) {
    return instant ? String(instant).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  }

  function show(view) {
    for (const section of document.querySelectorAll('.view')) {
      section.hidden = section.id !== 'view-' + view;
    }
    for (const nav of document.querySelectorAll('.nav')) {
      if (nav.id === 'nav-' + view) {
        nav.setAttribute('aria-current', 'page');
      } else {
        nav.removeAttribute('aria-current');
      }
    }
    $('top-bar').hidden = view === 'sign-in';
    clearMessage();
  }

  // --- signing in and out -----------------------------------------------------------------------

  async function signIn(event) {
    event.preventDefault();
    const input = $('sign-in-key');
    const key = input.value.trim();
    input.value = '';
    if (key === '') {
      showMessage('Enter an admin API key.', 'error');
      return;
    }
    apiKey = key;
    await run(async () => {
      const clients = await api('GET', 'clients');
      show('clients');
      renderClients(clients.clients);
    });
  }

  function signOut(reason) {
    apiKey = null;
    auditNext = null;
    for (const id of ['clients-body', 'audit-body', 'keys-body', 'rotations-body']) {
      $(id).replaceChildren();
    }
    for (const form of document.querySelectorAll('form')) {
      form.reset();
    }
    for (const dialog of document.querySelectorAll('dialog')) {
      if (dialog.open) {
        dialog.close();
      }
    }
    clearSecret();
    show('sign-in');
    if (reason) {
      showMessage(reason, 'error');
    }
    $('sign-in-key').focus();
  }

  // --- clients ----------------------------------------------------------------------------------

  async function loadClients() {
    const partner = $('search-partner').value.trim();
    const path = partner === '' ? 'clients' : 'clients?partnerId=' + encodeURIComponent(partner);
    const data = await api('GET', path);
    renderClients(data.clients);
  }

  function renderClients(clients) {
    const tbody = $('clients-body');
    tbody.replaceChildren();
    const partner = $('search-partner').value.trim();
    $('clients-count').textContent = clients.length === 1 ? '1 client' : clients.length + ' clients';
    if (clients.length === 0) {
      emptyRow(tbody, 7, partner === '' ? 'No clients yet.' : 'No client of this partner.');
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
        cell(when(client.createdAt), 'time'),
        cell(when(client.previousSecretExpiresAt), 'time'));
      const actions = document.createElement('td');
      actions.className = 'row-actions';
      actions.append(
        button('Rotate secret', 'rotate secondary', () => openRotate(client.clientId)),
        button('Delete', 'delete danger', () => openDelete(client.clientId)));
      tr.append(actions);
      tbody.append(tr);
    }
  }

  async function createClient(event) {
    event.preventDefault();
    const body = { partnerId: $('create-partner').value.trim() };
    const name = $('create-name').value.trim();
    if (name !== '') {
      body.name = name;
    }
    const scopes = $('create-scopes').value.split(/\s+/).filter((s) => s !== '');
    if (scopes.length > 0) {
      body.scopes = scopes;
    }
    await run(async () => {
      const created = await api('POST', 'clients', body);
      $('create-form').reset();
      showSecret('Credentials created', created.clientId, created.clientSecret,
        'Partner ' + created.partnerId + '.');
      await loadClients();
    });
  }

  // --- the secret, shown once -------------------------------------------------------------------

  function showSecret(title, clientId, secret, note) {
    $('secret-title').textContent = title;
    $('secret-client').value = clientId;
    $('secret-value').value = secret;
    $('secret-note').textContent = note;
    for (const copy of document.querySelectorAll('#secret-dialog .copy')) {
      copy.textContent = 'Copy';
    }
    $('secret-dialog').showModal();
    $('secret-value').select();
  }

  // The secret leaves the page when the dialog closes: nothing keeps a copy.
  function clearSecret() {
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

  // --- rotating a secret --------------------------------------------------------------------------

  function openRotate(clientId) {
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
      await loadClients();
    });
  }

  // --- deleting a client --------------------------------------------------------------------------

  function openDelete(clientId) {
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
      await loadClients();
      showMessage('Deleted client ' + clientId + '.', 'info');
    });
  }

  // --- the audit log ------------------------------------------------------------------------------

  // "More" pages on with the filters of the page shown, even if the form was edited since.
  async function loadAudit(append) {
    if (!append) {
      auditFilters = new URLSearchParams({ limit: String(AUDIT_PAGE) });
      if ($('audit-action').value !== '') {
        auditFilters.set('action', $('audit-action').value);
      }
      const clientId = $('audit-client').value.trim();
      if (clientId !== '') {
        auditFilters.set('clientId', clientId);
      }
    }
    const params = new URLSearchParams(auditFilters);
    if (append && auditNext) {
      params.set('cursor', auditNext);
    }
    const data = await api('GET', 'audit?' + params);
    const tbody = $('audit-body');
    if (!append) {
      tbody.replaceChildren();
    }
    for (const event of data.events) {
      const tr = document.createElement('tr');
      tr.append(cell(when(event.at), 'time'), cell(event.action, 'mono action'), cell(event.clientId, 'mono'),
        cell(event.actor, 'mono'), cell(event.source, 'mono'), cell(event.detail));
      tbody.append(tr);
    }
    if (!append && data.events.length === 0) {
      emptyRow(tbody, 6, 'No events.');
    }
    auditNext = data.next || null;
    $('audit-more').hidden = auditNext === null;
  }

  // --- signing keys -------------------------------------------------------------------------------

  async function loadRotations() {
    const data = await api('GET', 'audit?action=signing_keys.rotated&limit=10');
    const tbody = $('rotations-body');
    tbody.replaceChildren();
    for (const event of data.events) {
      const tr = document.createElement('tr');
      tr.append(cell(when(event.at), 'time'), cell(event.actor, 'mono'), cell(event.detail, 'mono'));
      tbody.append(tr);
    }
    if (data.events.length === 0) {
      emptyRow(tbody, 3, 'No rotation yet: the keys are those made at the first start.');
    }
  }

  async function rotateKeys() {
    $('keys-dialog').close();
    await run(async () => {
      const data = await api('POST', 'keys/rotate');
      const tbody = $('keys-body');
      tbody.replaceChildren();
      for (const key of data.keys) {
        const tr = document.createElement('tr');
        tr.append(cell(key.kid, 'mono kid'), cell(key.use), cell(key.alg), cell(when(key.createdAt), 'time'));
        tbody.append(tr);
      }
      $('keys-new').hidden = false;
      await loadRotations();
      showMessage('Rotated the signing keys.', 'info');
    });
  }

  // --- wiring -------------------------------------------------------------------------------------

  function navigate(view, load) {
    return () => {
      show(view);
      run(load);
    };
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', () => signOut(null));
    $('nav-clients').addEventListener('click', navigate('clients', loadClients));
    $('nav-audit').addEventListener('click', navigate('audit', () => loadAudit(false)));
    $('nav-keys').addEventListener('click', navigate('keys', loadRotations));

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

    $('audit-form').addEventListener('submit', (event) => {
      event.preventDefault();
      clearMessage();
      run(() => loadAudit(false));
    });
    $('audit-more').addEventListener('click', () => run(() => loadAudit(true)));

    $('keys-rotate').addEventListener('click', () => $('keys-dialog').showModal());
    $('keys-cancel').addEventListener('click', () => $('keys-dialog').close());
    $('keys-confirm').addEventListener('click', rotateKeys);

    $('sign-in-key').focus();
  });
})();
