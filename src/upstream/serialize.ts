/**
 * OpenAPI parameter serialization (OpenAPI 3.1 §4.8.12.4, "Style Values"): how a value of a query,
 * path or header parameter, or of a form body field, is written on the wire, by the parameter's
 * `style` and `explode`. Objects and arrays are never JSON text unless the document says so
 * (`contentType: application/json`): Stripe wants `metadata[k]=v`, apideck `filter[x]=…`,
 * Twilio repeated fields.
 */
import type { ActionParameter } from '../connectors/schema.js';

type Location = ActionParameter['in'];
type Style = NonNullable<ActionParameter['style']>;

/** The defaults OpenAPI gives each location when a document names no style. */
const DEFAULT_STYLE: Record<Location, Style> = { query: 'form', body: 'form', path: 'simple', header: 'simple' };

const scalarText = (value: unknown): string =>
  typeof value === 'string' ? value : value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

function styleOf(parameter: Pick<ActionParameter, 'in' | 'style' | 'explode'>): { style: Style; explode: boolean } {
  const style = parameter.style ?? DEFAULT_STYLE[parameter.in];
  return { style, explode: parameter.explode ?? style === 'form' };
}

/** Name/value pairs of a deepObject value: name[a][b]=v, arrays by index (name[a][0]=v). */
function deepPairs(prefix: string, value: unknown): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((item, index) => deepPairs(`${prefix}[${index}]`, item));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : deepPairs(`${prefix}[${key}]`, item)));
  }
  return [[prefix, scalarText(value)]];
}

/**
 * Query parameters and form body fields: the name/value pairs to append (unencoded; the caller's
 * URLSearchParams encodes them).
 */
export function serializePairs(
  parameter: Pick<ActionParameter, 'in' | 'style' | 'explode' | 'contentType'>,
  wireName: string,
  value: unknown,
): Array<[string, string]> {
  if (parameter.contentType) return [[wireName, JSON.stringify(value)]];
  // A form field with no encoding of its own: an object goes as JSON text (the Encoding Object's default).
  if (parameter.in === 'body' && !parameter.style && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return [[wireName, JSON.stringify(value)]];
  }
  const { style, explode } = styleOf(parameter);
  if (style === 'deepObject') {
    if (value !== null && typeof value === 'object') return deepPairs(wireName, value);
    return [[wireName, scalarText(value)]];
  }
  if (Array.isArray(value)) {
    if (explode) return value.map((item): [string, string] => [wireName, scalarText(item)]);
    const separator = style === 'spaceDelimited' ? ' ' : style === 'pipeDelimited' ? '|' : ',';
    return [[wireName, value.map(scalarText).join(separator)]];
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (explode) return entries.map(([key, item]): [string, string] => [key, scalarText(item)]);
    return [[wireName, entries.flatMap(([key, item]) => [key, scalarText(item)]).join(',')]];
  }
  return [[wireName, scalarText(value)]];
}

/**
 * A path segment or header value (styles simple, label and matrix), not yet percent-encoded:
 * the caller encodes each part, so a value can never add path segments of its own.
 */
export function serializeSimple(
  parameter: Pick<ActionParameter, 'in' | 'style' | 'explode' | 'contentType'>,
  wireName: string,
  value: unknown,
  encode: (text: string) => string = (text) => text,
): string {
  if (parameter.contentType) return encode(JSON.stringify(value));
  const { style, explode } = styleOf(parameter);
  const prefix = style === 'label' ? '.' : style === 'matrix' ? `;${wireName}=` : '';
  const arraySeparator = style === 'label' && explode ? '.' : style === 'matrix' && explode ? `;${wireName}=` : ',';
  if (Array.isArray(value)) return prefix + value.map((item) => encode(scalarText(item))).join(arraySeparator);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (explode) {
      const separator = style === 'label' ? '.' : style === 'matrix' ? ';' : ',';
      const lead = style === 'matrix' ? ';' : style === 'label' ? '.' : '';
      return lead + entries.map(([key, item]) => `${encode(key)}=${encode(scalarText(item))}`).join(separator);
    }
    return prefix + entries.flatMap(([key, item]) => [encode(key), encode(scalarText(item))]).join(',');
  }
  return prefix + encode(scalarText(value));
}
