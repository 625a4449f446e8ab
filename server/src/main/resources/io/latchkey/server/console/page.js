// What every page of the console shares: its views, its message line, table cells, confirmation.
//
// Data from the server is put on the page with textContent or element properties, never as HTML,
// so a partner id such as <img src=x onerror=…> shows as text and cannot run.

import { ApiError, describe } from './admin.js';

export const $ = (id) => document.getElementById(id);

let viewShown = 'sign-in';
let confirmAction = null;
let refusedKey = () => {};

/** What to do when the server refuses the key: console.js signs out. */
export function onRefusedKey(handler) {
  refusedKey = handler;
}

/** The view on screen: 'sign-in', 'overview', 'clients', 'client', 'apis', 'audit', 'keys' or 'webhooks'. */
export function currentView() {
  return viewShown;
}

// Runs an action of the page: its errors become a message, and a refused key signs out.
export async function run(action) {
  try {
    await action();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      refusedKey('The API key was not accepted. Sign in again.');
    } else {
      showMessage(e instanceof ApiError ? describe(e) : 'Something went wrong: ' + e, 'error');
    }
  }
}

export function showMessage(text, kind) {
  const message = $('message');
  message.textContent = text;
  message.className = kind;
  message.hidden = false;
  // The outcome of a form low on a long page must not go unseen.
  message.scrollIntoView({ block: 'nearest' });
}

export function clearMessage() {
  $('message').hidden = true;
  $('message').textContent = '';
}

// A table cell holding text only.
export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) {
    td.className = className;
  }
  return td;
}

export function button(label, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

export function emptyRow(tbody, columns, text) {
  const tr = document.createElement('tr');
  const td = cell(text, 'empty');
  td.colSpan = columns;
  tr.append(td);
  tbody.append(tr);
}

// 2026-01-31T12:00:00.123Z -> 2026-01-31 12:00:00Z: UTC, as the server and the audit log keep it.
export function when(instant) {
  return instant ? String(instant).replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

// "a b  c" -> ["a", "b", "c"]
export function words(text) {
  return text.split(/\s+/).filter((s) => s !== '');
}

export function show(view) {
  viewShown = view;
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

// --- confirming a destructive action ------------------------------------------------------------

export function askToConfirm(title, text, label, action) {
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

export function wireConfirm() {
  $('confirm-form').addEventListener('submit', confirmed);
  $('confirm-cancel').addEventListener('click', () => $('confirm-dialog').close());
  $('confirm-dialog').addEventListener('close', () => {
    confirmAction = null;
  });
}
