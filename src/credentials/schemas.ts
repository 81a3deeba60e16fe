import { z } from 'zod';
import { credentialAuthTypes } from '../db/tables/credentials.js';

/** Input of create_credential (MCP tool) and POST /api/credentials. */
export const createCredentialInputSchema = z.object({
  connectorId: z.string().min(1).max(64).describe('The connector, e.g. "slack" (see list_connectors)'),
  authenticationType: z.enum(credentialAuthTypes).describe('One of the types get_credential_metadata lists'),
  variant: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional()
    .describe(
      'Which of the connector\'s variants of this type (get_credential_metadata lists each with its variant id, e.g. a key in a header or in the query); default: the one marked default, the first of the type',
    ),
  redirectUri: z
    .url()
    .max(2048)
    .optional()
    .describe('oauth2 only: where the user lands after authorizing; must be one of the OAuth app\'s redirect URIs'),
  fields: z
    .record(z.string().min(1).max(128), z.string().max(8192))
    .optional()
    .describe('Key-based types only: exactly the required fields get_credential_metadata names'),
  name: z.string().min(1).max(100).optional().describe('A label to tell credentials apart'),
});
export type CreateCredentialInput = z.infer<typeof createCredentialInputSchema>;

/** Input of get_credentials (MCP tool) and GET /api/credentials. */
export const listCredentialsInputSchema = z.object({
  connectorId: z.string().min(1).max(64).optional().describe('Only credentials for this connector'),
});
export type ListCredentialsInput = z.infer<typeof listCredentialsInputSchema>;

/** Input of get_credential_metadata. */
export const credentialMetadataInputSchema = z.object({
  connectorId: z.string().min(1).max(64).describe('The connector, e.g. "slack" (see list_connectors)'),
});
