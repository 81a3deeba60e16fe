/** Small DOM helpers: the console is plain TypeScript, so these stand in for a framework. */

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

/** Builds an element. `on*` attributes become listeners; `false`/`null` attributes are left out; text is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name in element && typeof value !== 'string' && !name.startsWith('aria-')) (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, value === true && !name.startsWith('aria-') ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: Child[]) {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${++idCounter}`;

/** Announces a short message to screen readers and shows it briefly. */
export function announce(message: string, kind: 'info' | 'error' = 'info') {
  const toast = document.getElementById('toast');
  if (!toast) return;
  toast.className = `toast toast-${kind} visible`;
  toast.textContent = message;
  window.setTimeout(() => {
    if (toast.textContent === message) toast.className = 'toast';
  }, 4000);
}

export interface DialogHandle {
  dialog: HTMLDialogElement;
  body: HTMLElement;
  close(): void;
}

/**
 * A modal <dialog>: the browser traps focus and closes it on Escape. Focus goes to the first
 * field (or the dialog) and returns to whatever opened it when it closes.
 */
export function openDialog(options: { title: string; description?: string; wide?: boolean; onClose?: () => void }): DialogHandle {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = uniqueId('dialog-title');
  const descriptionId = options.description ? uniqueId('dialog-description') : undefined;
  const body = h('div', { class: 'dialog-body' });
  const dialog = h(
    'dialog',
    { class: options.wide ? 'dialog wide' : 'dialog', 'aria-labelledby': titleId, 'aria-describedby': descriptionId },
    h(
      'header',
      { class: 'dialog-header' },
      h('h2', { id: titleId }, options.title),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => dialog.close() }, '×'),
    ),
    options.description ? h('p', { id: descriptionId, class: 'muted' }, options.description) : null,
    body,
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    options.onClose?.();
    opener?.focus();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  const first = body.querySelector<HTMLElement>('input, select, textarea');
  (first ?? dialog).focus();
  return { dialog, body, close: () => dialog.close() };
}

/** Fills a dialog opened with openDialog and focuses its first field, since the body is built after it opens. */
export function fillDialog(handle: DialogHandle, ...children: Child[]) {
  replace(handle.body, ...children);
  handle.body.querySelector<HTMLElement>('input:not([type=checkbox]), select, textarea, button:not(.icon-button)')?.focus();
}

export function confirmDialog(title: string, message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    const handle = openDialog({ title, onClose: () => resolve(confirmed) });
    fillDialog(
      handle,
      h('p', {}, message),
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => handle.close() }, 'Cancel'),
        h(
          'button',
          {
            type: 'button',
            class: 'button danger',
            onclick: () => {
              confirmed = true;
              handle.close();
            },
          },
          confirmLabel,
        ),
      ),
    );
  });
}

/** A labelled form field with a slot for its error message, wired with aria-describedby / aria-invalid. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string) {
  input.id ||= uniqueId('field');
  const errorId = uniqueId('error');
  const hintId = hint ? uniqueId('hint') : undefined;
  input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  const error = h('p', { id: errorId, class: 'field-error' });
  const setError = (message: string | undefined) => {
    error.textContent = message ?? '';
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label, input.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    input,
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    error,
  );
  return { element, input, setError };
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function badge(text: string, tone: 'neutral' | 'success' | 'warning' | 'danger' | 'info' = 'neutral') {
  return h('span', { class: `badge badge-${tone}` }, text);
}

/** The last 6 characters of a secret, the most the page ever shows of one. */
export function lastSix(secret: string): string {
  return `••••••${secret.slice(-6)}`;
}

export async function copyText(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    announce(`${what} copied`);
  } catch {
    announce(`Could not copy ${what.toLowerCase()}: the browser refused clipboard access`, 'error');
  }
}

/** The title block every page starts with; the h1 takes focus when the page is navigated to. */
export function pageHeader(title: string, description: string, ...actions: Child[]) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', {}, h('h1', { tabindex: '-1' }, title), h('p', { class: 'muted' }, description)),
    h('div', { class: 'page-actions' }, actions),
  );
}

export function button(label: string, onclick: () => void, options: { tone?: 'primary' | 'danger' | 'subtle'; ariaLabel?: string; disabled?: boolean } = {}) {
  return h(
    'button',
    { type: 'button', class: `button ${options.tone ?? ''}`.trim(), 'aria-label': options.ariaLabel, disabled: options.disabled, onclick },
    label,
  );
}
