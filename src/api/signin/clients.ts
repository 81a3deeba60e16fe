import type { AdapterPayload, errors as OidcErrors } from 'oidc-provider';
import type { Db } from '../../db/connect.js';
import { keepSigninClientUntil } from '../../db/repositories/signin.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import { hashToken } from '../../secrets/tokens.js';
import { PostgresSigninAdapter } from './adapter.js';
import { isClientIdUrl, type ClientIdMetadataDocuments } from './clientIdDocuments.js';
import { clientMetadataProblem } from './clientMetadataLimits.js';

/**
 * Clients: a client_id that is an https URL is a Client ID Metadata Document, fetched rather than
 * stored. Registered clients (Dynamic Client Registration, open to anyone) are bounded in size,
 * and one that no sign-in uses within SIGNIN_UNUSED_CLIENT_TTL_SECONDS expires (worker/cleanup.ts
 * deletes it). A sign-in keeps its client as long as its grant (see SigninGrantAdapter).
 */
export class SigninClientAdapter extends PostgresSigninAdapter {
  constructor(
    db: Db,
    secretBox: SecretBox,
    private readonly errors: typeof OidcErrors,
    private readonly unusedClientTtlSeconds: number,
    private readonly documents: ClientIdMetadataDocuments,
  ) {
    super('Client', db, secretBox);
  }

  override async find(id: string): Promise<AdapterPayload | undefined> {
    return isClientIdUrl(id) ? this.documents.resolve(id) : super.find(id);
  }

  override async upsert(id: string, payload: AdapterPayload): Promise<void> {
    // oidc-provider stores a client only when it registers; refusing here answers the registration.
    const problem = clientMetadataProblem(payload);
    if (problem) throw new this.errors.InvalidClientMetadata(problem);
    await super.upsert(id, payload, this.unusedClientTtlSeconds);
  }
}

/** Grants: saving one (a sign-in) keeps its registered client at least as long as the grant lives. */
export class SigninGrantAdapter extends PostgresSigninAdapter {
  constructor(db: Db, secretBox: SecretBox) {
    super('Grant', db, secretBox);
  }

  override async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    await super.upsert(id, payload, expiresIn);
    if (payload.clientId && typeof expiresIn === 'number') {
      await keepSigninClientUntil(this.db, hashToken(payload.clientId), new Date(Date.now() + expiresIn * 1000));
    }
  }
}
