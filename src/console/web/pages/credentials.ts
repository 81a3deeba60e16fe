import { api, errorText, type Credential } from '../api.js';
import { announce, badge, button, confirmDialog, formatDate, h, pageHeader, replace } from '../dom.js';
import type { Page } from '../main.js';

const STATUS_TONE: Record<string, 'success' | 'warning' | 'danger' | 'neutral'> = {
  active: 'success',
  pending: 'warning',
  needs_reauth: 'danger',
  failed: 'danger',
  revoked: 'neutral',
};

/** Hints are already masked by the API (last 6 characters at most); show only those. */
const hintText = (hints: Record<string, string>) =>
  Object.entries(hints)
    .map(([name, hint]) => `${name} ${hint}`)
    .join(', ') || '—';

/** Reconnecting starts a new OAuth handshake and opens the provider's page in a new tab. */
async function reconnect(credential: Credential, reload: () => void) {
  try {
    const started = await api<{ authorizationUrl: string }>('POST', '/api/credentials', {
      connectorId: credential.connectorId,
      authenticationType: 'oauth2',
      ...(credential.name ? { name: credential.name } : {}),
    });
    window.open(started.authorizationUrl, '_blank', 'noopener');
    announce('Authorization opened in a new tab. Reload this page when you are done.');
    reload();
  } catch (error) {
    announce(`Could not start OAuth: ${errorText(error)}`, 'error');
  }
}

/** The signed-in user's credentials, per connector: status, masked hints, reconnect and delete. */
export const renderCredentials: Page = async (main, config) => {
  const { credentials } = await api<{ credentials: Credential[] }>('GET', '/api/credentials');
  const reload = () => void renderCredentials(main, config, []).catch((error: unknown) => announce(errorText(error), 'error'));
  const remove = async (credential: Credential) => {
    const label = credential.name ?? credential.credentialId;
    if (!(await confirmDialog('Delete credential', `Delete "${label}" for ${credential.connectorId}? OAuth tokens are revoked at the provider.`, 'Delete'))) return;
    await api('DELETE', `/api/credentials/${encodeURIComponent(credential.credentialId)}`).then(
      () => announce('Credential deleted'),
      (error: unknown) => announce(errorText(error), 'error'),
    );
    reload();
  };
  const sorted = [...credentials].sort((a, b) => a.connectorId.localeCompare(b.connectorId) || b.createdAt.localeCompare(a.createdAt));
  const rows = sorted.map((credential) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, credential.connectorId),
      h('td', {}, credential.name ?? h('span', { class: 'muted' }, credential.credentialId)),
      h('td', {}, credential.authenticationType),
      h(
        'td',
        {},
        badge(credential.status, STATUS_TONE[credential.status] ?? 'neutral'),
        credential.statusReason ? h('div', { class: 'muted small' }, credential.statusReason) : null,
      ),
      h('td', {}, h('code', {}, hintText(credential.hints))),
      h('td', {}, formatDate(credential.expiresAt)),
      h('td', {}, formatDate(credential.createdAt)),
      h(
        'td',
        { class: 'row-actions' },
        credential.authenticationType === 'oauth2'
          ? button('Reconnect', () => void reconnect(credential, reload), { ariaLabel: `Reconnect ${credential.connectorId}` })
          : null,
        button('Delete', () => void remove(credential), { tone: 'danger', ariaLabel: `Delete credential ${credential.name ?? credential.credentialId}` }),
      ),
    ),
  );
  replace(
    main,
    h(
      'section',
      { class: 'card' },
      pageHeader('Credentials', 'Your connections to SaaS APIs, per connector. Secrets are never shown: at most their last 6 characters.'),
      rows.length
        ? h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ...['Connector', 'Name', 'Type', 'Status', 'Secret', 'Expires', 'Created'].map((title) => h('th', { scope: 'col' }, title)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
            h('tbody', {}, rows),
          )
        : h('p', { class: 'empty' }, 'No credentials'),
    ),
  );
};
