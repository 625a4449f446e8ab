// Latchkey web console: plain JavaScript modules over the admin API, no build step, no third-party code.
//
// Security rules of every module:
// - The admin API key lives in admin.js only: never in a cookie, local storage or session storage.
// - Data from the server is put on the page with textContent or element properties, never as HTML.
// - The page's Content-Security-Policy allows no inline script or style: no handler in the HTML.
//
// This module signs in and out and wires the pages: overview.js (with chart.js), clients.js,
// client-page.js, apis.js, audit.js, keys.js and webhooks.js, over admin.js (the API) and page.js
// (what they share).

import { api, forgetKey, useKey } from './admin.js';
import { loadApis, resetApis, wireApis } from './apis.js';
import { loadAudit, resetAudit, wireAudit } from './audit.js';
import { resetClientPage, wireClientPage } from './client-page.js';
import { loadClients, resetClients, showClients, showMethodFields, wireClients } from './clients.js';
import { loadRotations, resetKeys, wireKeys } from './keys.js';
import { loadWebhooks, resetWebhooks, wireWebhooks } from './webhooks.js';
import { loadOverview, resetOverview, wireOverview } from './overview.js';
import { $, onRefusedKey, run, show, showMessage, wireConfirm } from './page.js';

// --- signing in and out ---------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const input = $('sign-in-key');
  const key = input.value.trim();
  input.value = '';
  if (key === '') {
    showMessage('Enter an admin API key.', 'error');
    return;
  }
  useKey(key);
  await run(async () => {
    const clients = await api('GET', 'clients');
    await showClients(clients.clients);
  });
}

// Forgets the key and everything shown with it.
function signOut(reason) {
  forgetKey();
  resetClients();
  resetClientPage();
  resetApis();
  resetAudit();
  resetKeys();
  resetWebhooks();
  resetOverview();
  for (const form of document.querySelectorAll('form')) {
    form.reset();
  }
  showMethodFields();
  for (const dialog of document.querySelectorAll('dialog')) {
    if (dialog.open) {
      dialog.close();
    }
  }
  show('sign-in');
  if (reason) {
    showMessage(reason, 'error');
  }
  $('sign-in-key').focus();
}

function navigate(view, load) {
  return () => {
    show(view);
    run(load);
  };
}

document.addEventListener('DOMContentLoaded', () => {
  onRefusedKey(signOut);
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut(null));
  $('nav-overview').addEventListener('click', navigate('overview', loadOverview));
  $('nav-clients').addEventListener('click', navigate('clients', loadClients));
  $('nav-apis').addEventListener('click', navigate('apis', loadApis));
  $('nav-audit').addEventListener('click', navigate('audit', () => loadAudit(false)));
  $('nav-keys').addEventListener('click', navigate('keys', loadRotations));
  $('nav-webhooks').addEventListener('click', navigate('webhooks', loadWebhooks));
  wireClients();
  wireClientPage();
  wireApis();
  wireAudit();
  wireKeys();
  wireWebhooks();
  wireOverview();
  wireConfirm();
  $('sign-in-key').focus();
});
