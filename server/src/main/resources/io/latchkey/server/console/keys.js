// The signing keys: rotate them, and the recent rotations.

import { api } from './admin.js';
import { $, cell, emptyRow, run, showMessage, when } from './page.js';

export async function loadRotations() {
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

export function resetKeys() {
  for (const id of ['keys-body', 'rotations-body']) {
    $(id).replaceChildren();
  }
}

export function wireKeys() {
  $('keys-rotate').addEventListener('click', () => $('keys-dialog').showModal());
  $('keys-cancel').addEventListener('click', () => $('keys-dialog').close());
  $('keys-confirm').addEventListener('click', rotateKeys);
}
