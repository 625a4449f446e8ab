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
  let currentView = 'sign-in';
  let currentClient = null;
  let apisKnown = [];
  let grantsShown = [];
  let confirmAction = null;
  let editedApi = null;

  const AUDIT_PAGE = 50;
  const MAX_GRACE_SECONDS = 30 * 24 * 3600;

  const $ = (id) => document.getElementById(id);

  class ApiError extends Error {
    constructor(status, message, code) {
      super(message);
      this.status = status;
      this.code = code || null;
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
      // The admin API's error body: {"code", "message", "error"} (SPEC §2).
      const message = data && typeof data.message === 'string'
        ? data.message : 'The server answered ' + response.status + '.';
      const code = data && typeof data.error === 'string' ? data.error : null;
      throw new ApiError(response.status, message, code);
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
        showMessage(e instanceof ApiError ? describe(e) : 'Something went wrong: ' + e, 'error');
      }
    }
  }

  // "The identifier is taken. (409 conflict)": the server's words, then what kind of refusal it was.
  function describe(error) {
    if (error.status === 0) {
      return error.message;
    }
    return error.message + ' (' + error.status + (error.code ? ' ' + error.code : '') + ')';
  }

  // --- small helpers for the page ---------------------------------------------------------------

  function showMessage(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.className = kind;
    message.hidden = false;
    // The outcome of a form low on a long page must not go unseen.
    message.scrollIntoView({ block: 'nearest' });
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

  // "a b  c" -> ["a", "b", "c"]
  function words(text) {
    return text.split(/\s+/).filter((s) => s !== '');
  }

  function show(view) {
    currentView = view;
    for (const section of document.querySelectorAll('.view')) {
      section.hidden = section.id !== 'view-' + view;
    }
    // A client's page belongs to the clients.
    const section = view === 'client' ? 'clients' : view;
    for (const nav of document.querySelectorAll('.nav')) {
      if (nav.id === 'nav-' + section) {
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
    currentClient = null;
    apisKnown = [];
    grantsShown = [];
    for (const id of ['clients-body', 'audit-body', 'keys-body', 'rotations-body', 'apis-body', 'grants-body',
      'grant-api', 'client-jwks']) {
      $(id).replaceChildren();
    }
    for (const form of document.querySelectorAll('form')) {
      form.reset();
    }
    showMethodFields();
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
      emptyRow(tbody, 8, partner === '' ? 'No clients yet.' : 'No client of this partner.');
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
        cell(when(client.previousSecretExpiresAt), 'time'));
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
  function hasSecret(client) {
    return client.tokenEndpointAuthMethod === 'client_secret_basic'
      || client.tokenEndpointAuthMethod === 'client_secret_post';
  }

  function showMethodFields() {
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

  // --- the secret, shown once -------------------------------------------------------------------

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
      await refreshCurrent();
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
      if (currentView !== 'clients') {
        show('clients');
      }
      await loadClients();
      showMessage('Deleted client ' + clientId + '.', 'info');
    });
  }

  // The page shown again after a change made from a dialog.
  async function refreshCurrent() {
    if (currentView === 'client' && currentClient) {
      await openClient(currentClient.clientId);
    } else {
      await loadClients();
    }
  }

  // --- one client's page: settings, keys and API grants ------------------------------------------

  async function openClient(clientId) {
    const path = 'clients/' + encodeURIComponent(clientId);
    const [client, grants, apis] = await Promise.all([
      api('GET', path), api('GET', path + '/apis'), api('GET', 'apis')]);
    if (currentView !== 'client' || !currentClient || currentClient.clientId !== client.clientId) {
      show('client');
    }
    currentClient = client;
    apisKnown = apis.apis;
    renderClient(client);
    renderGrants(grants.grants);
    renderGrantForm();
  }

  function renderClient(client) {
    $('client-id').textContent = client.clientId;
    $('client-partner').textContent = client.partnerId;
    $('client-method').textContent = client.tokenEndpointAuthMethod;
    $('client-created').textContent = when(client.createdAt);
    $('client-previous').textContent = client.previousSecretExpiresAt ? when(client.previousSecretExpiresAt) : '—';
    for (const id of ['client-rotate', 'client-previous', 'client-previous-label']) {
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

  // --- APIs -------------------------------------------------------------------------------------

  async function loadApis() {
    const data = await api('GET', 'apis');
    apisKnown = data.apis;
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

  // --- confirming a destructive action ----------------------------------------------------------

  function askToConfirm(title, text, label, action) {
    confirmAction = action;
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-ok').textContent = label;
    $('confirm-dialog').showModal();
  }

  async function confirmed(event) {
    event.preventDefault();
    const action = confirmAction;
    confirmAction = null;
    $('confirm-dialog').close();
    if (action) {
      await run(action);
    }
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
    $('nav-apis').addEventListener('click', navigate('apis', loadApis));
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
    $('create-method').addEventListener('change', showMethodFields);

    $('client-back').addEventListener('click', navigate('clients', loadClients));
    $('client-form').addEventListener('submit', saveClient);
    $('client-rotate').addEventListener('click', () => openRotate(currentClient.clientId));
    $('client-delete').addEventListener('click', () => openDelete(currentClient.clientId));
    $('grant-form').addEventListener('submit', grantApi);
    $('grant-api').addEventListener('change', renderGrantScopes);

    $('api-form').addEventListener('submit', registerApi);
    $('api-edit-form').addEventListener('submit', saveApi);
    $('api-edit-cancel').addEventListener('click', () => $('api-dialog').close());
    $('api-dialog').addEventListener('close', () => {
      editedApi = null;
    });

    $('confirm-form').addEventListener('submit', confirmed);
    $('confirm-cancel').addEventListener('click', () => $('confirm-dialog').close());
    $('confirm-dialog').addEventListener('close', () => {
      confirmAction = null;
    });

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
