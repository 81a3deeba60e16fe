import type { Db } from '../db/connect.js';
import { listUserCredentials } from '../db/repositories/credentials.js';
import type { CredentialAuthType, CredentialRow } from '../db/tables/credentials.js';
import type { ListCredentialsInput } from './schemas.js';

export interface CredentialOwner {
  accountId: string;
  userId: string;
}

/** What a caller may see of a credential: never the secret, only masked hints. */
export interface CredentialView {
  credentialId: string;
  connectorId: string;
  authenticationType: CredentialAuthType;
  /** The connector's auth variant it was made for; null when made before variants (the type's first). */
  variant: string | null;
  status: CredentialRow['status'];
  /** Why the credential is failed or needs_reauth. */
  statusReason: string | null;
  name: string | null;
  hints: Record<string, string>;
  expiresAt: string | null;
  createdAt: string;
}

export function credentialView(row: CredentialRow): CredentialView {
  return {
    credentialId: row.id,
    connectorId: row.connector_id,
    authenticationType: row.auth_type,
    variant: row.variant,
    status: row.status,
    statusReason: row.status_reason,
    name: row.name,
    hints: row.hints,
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listCredentials(db: Db, owner: CredentialOwner, input: ListCredentialsInput = {}): Promise<CredentialView[]> {
  const rows = await listUserCredentials(db, { ...owner, ...(input.connectorId ? { connectorId: input.connectorId } : {}) });
  return rows.map(credentialView);
}
