import { InvalidRequestError } from '../errors.js';
import { authVariantIds, type ActionDefinition, type AuthMethod } from './schema.js';
import type { Connector } from './types.js';

/**
 * The connector as one action sees it for auth: its methods narrowed to the variants the action's
 * own security requirement names, or no credential at all when the operation is public (`auth: []`).
 * Kept methods carry their variant id, so a credential made for `apiKey_2` still finds its method
 * in the narrowed list, where numbering by position would differ.
 */
export function connectorForActionAuth<C extends Pick<Connector, 'id' | 'authMethods'>>(
  connector: C,
  action: Pick<ActionDefinition, 'auth'>,
): C {
  if (!action.auth) return connector;
  if (action.auth.length === 0) return { ...connector, authMethods: [{ type: 'none' }] satisfies AuthMethod[] };
  const ids = authVariantIds(connector.authMethods);
  const accepted = connector.authMethods.flatMap((method, i) => (action.auth!.includes(ids[i]!) ? [{ ...method, id: ids[i]! }] : []));
  return accepted.length > 0 ? { ...connector, authMethods: accepted } : connector;
}

/** Each method with its variant id, and whether it is the default of its type (the first one). */
export function authVariants(methods: readonly AuthMethod[]): Array<{ method: AuthMethod; variant: string; isDefault: boolean }> {
  const ids = authVariantIds(methods);
  return methods.map((method, i) => ({ method, variant: ids[i]!, isDefault: methods.findIndex((other) => other.type === method.type) === i }));
}

/**
 * The method a new credential is for: the named variant, which must be of the given type, else
 * the type's default (its first method). Undefined when the connector offers no method of the type.
 */
export function chooseAuthVariant(
  connector: Pick<Connector, 'id' | 'authMethods'>,
  type: AuthMethod['type'],
  variant: string | undefined,
): { method: AuthMethod; variant: string } | undefined {
  const variants = authVariants(connector.authMethods);
  if (variant === undefined) return variants.find((candidate) => candidate.method.type === type && candidate.isDefault);
  const chosen = variants.find((candidate) => candidate.variant === variant);
  if (!chosen || chosen.method.type !== type) {
    throw new InvalidRequestError(`Connector "${connector.id}" has no ${type} variant "${variant}"`, {
      connectorId: connector.id,
      variant,
      variants: variants.filter((candidate) => candidate.method.type === type).map((candidate) => candidate.variant),
    });
  }
  return chosen;
}

/**
 * The method a stored credential authenticates with: its variant's, else (a row older than
 * variants) the first method of its type. Undefined when the connector, or the action, does not
 * accept it.
 */
export function methodOfCredential(methods: readonly AuthMethod[], row: { auth_type: string; variant: string | null }): AuthMethod | undefined {
  const variants = authVariants(methods);
  const found = row.variant === null ? variants.find((candidate) => candidate.method.type === row.auth_type) : variants.find((candidate) => candidate.variant === row.variant);
  return found?.method.type === row.auth_type ? found.method : undefined;
}
