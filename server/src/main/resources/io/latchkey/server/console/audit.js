// The audit log: newest first, filtered by action and client, paged with More.

import { api } from './admin.js';
import { $, cell, clearMessage, emptyRow, run, when } from './page.js';

const AUDIT_PAGE = 50;

let auditNext = null;
let auditFilters = null;

// "More" pages on with the filters of the page shown, even if the form was edited since.
export async function loadAudit(append) {
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

export function resetAudit() {
  auditNext = null;
  $('audit-body').replaceChildren();
}

export function wireAudit() {
  $('audit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    clearMessage();
    run(() => loadAudit(false));
  });
  $('audit-more').addEventListener('click', () => run(() => loadAudit(true)));
}
