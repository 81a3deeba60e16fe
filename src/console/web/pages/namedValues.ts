import { h } from '../dom.js';

/** What a list of named values holds: request headers, or a hosted server's environment variables. */
export interface NamedValuesKind {
  legend: string;
  /** "header", "variable": in labels and errors. */
  what: string;
  placeholder: string;
  pattern: RegExp;
}

/**
 * Name/value rows. Values are typed into password fields, sent once and never shown again: the API
 * answers them masked (a pure {{variable}} reference stays readable), so existing rows start with
 * their name only.
 */
export function namedValuesEditor(kind: NamedValuesKind, initial: string[]) {
  const list = h('div', { class: 'header-rows' });
  const label = kind.what[0]!.toUpperCase() + kind.what.slice(1);
  const addRow = (name = '') => {
    const key = h('input', { type: 'text', value: name, 'aria-label': `${label} name`, placeholder: kind.placeholder, autocomplete: 'off' });
    const value = h('input', { type: 'password', 'aria-label': `${label} value`, placeholder: 'value or {{variable}}', autocomplete: 'off' });
    const row = h('div', { class: 'header-row' }, key, value, h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${kind.what}`, onclick: () => row.remove() }, '×'));
    list.appendChild(row);
    return key;
  };
  for (const name of initial) addRow(name);
  const element = h(
    'fieldset',
    { class: 'headers' },
    h('legend', {}, kind.legend),
    list,
    h('button', { type: 'button', class: 'button subtle', onclick: () => addRow().focus() }, `Add ${kind.what}`),
  );
  const read = (): { values: Record<string, string>; error?: string } => {
    const values: Record<string, string> = {};
    for (const row of list.querySelectorAll('.header-row')) {
      const [key, value] = row.querySelectorAll('input');
      const name = key!.value.trim();
      if (!name && !value!.value) continue;
      if (!kind.pattern.test(name)) return { values, error: `"${name}" is not a valid ${kind.what} name` };
      values[name] = value!.value;
    }
    return { values };
  };
  return { element, read };
}
