import { authVariants } from '../connectors/authVariants.js';
import type { Connector } from '../connectors/types.js';
import type { AuthMethod } from '../connectors/schema.js';

/** The field names a key-based auth method needs. */
export function requiredFieldsOf(method: AuthMethod): string[] {
  switch (method.type) {
    case 'apiKey':
      return ['apiKey'];
    case 'bearer':
      return ['token'];
    case 'basic':
      return ['username', 'password'];
    case 'customHeaders':
      return method.headers.map((header) => header.name);
    case 'apiKeys':
      return method.keys.map((key) => key.name);
    default:
      return [];
  }
}

/**
 * Each way to authenticate, with its variant id (create_credential's `variant`) and whether it is
 * the default of its type: the one a credential naming only `authenticationType` is made for.
 */
type Variant = { variant: string; default: boolean };

export interface CredentialMetadata {
  connectorId: string;
  requiresCredential: boolean;
  authenticationTypes: Array<
    Variant &
      (
        | { type: 'none' }
        | { type: 'apiKey' | 'bearer' | 'basic' | 'customHeaders' | 'apiKeys'; requiredFields: Array<{ name: string; description: string }> }
        | { type: 'oauth2'; authorizationUrl: string; scopes: string[]; availableScopes?: string[]; needsRedirectUri: true }
      )
  >;
}

function fieldDescription(method: AuthMethod, field: string): string {
  if (method.type === 'apiKey') return `API key, sent in the ${method.in === 'header' ? 'header' : 'query parameter'} "${method.name}"`;
  if (method.type === 'bearer') return 'Access token, sent as "Authorization: Bearer <token>"';
  if (method.type === 'customHeaders') return method.headers.find((header) => header.name === field)?.description ?? field;
  if (method.type === 'apiKeys') return method.keys.find((key) => key.name === field)?.description ?? field;
  return field === 'username' ? 'User name for HTTP Basic auth' : 'Password for HTTP Basic auth';
}

/** get_credential_metadata: how a credential for this connector is made. */
export function getCredentialMetadata(connector: Pick<Connector, 'id' | 'authMethods'>): CredentialMetadata {
  return {
    connectorId: connector.id,
    requiresCredential: !connector.authMethods.some((method) => method.type === 'none'),
    authenticationTypes: authVariants(connector.authMethods).map(({ method, variant, isDefault }) => {
      const id = { variant, default: isDefault };
      if (method.type === 'none') return { type: 'none' as const, ...id };
      if (method.type === 'oauth2') {
        return {
          type: 'oauth2' as const,
          ...id,
          authorizationUrl: method.authorizationUrl,
          scopes: method.scopes,
          ...(method.availableScopes ? { availableScopes: method.availableScopes } : {}),
          needsRedirectUri: true as const,
        };
      }
      return {
        type: method.type,
        ...id,
        requiredFields: requiredFieldsOf(method).map((name) => ({ name, description: fieldDescription(method, name) })),
      };
    }),
  };
}
