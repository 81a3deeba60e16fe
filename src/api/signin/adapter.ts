import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../db/connect.js';
import { consumeSigninItem, destroySigninItem, findSigninItem, revokeSigninGrant, upsertSigninItem } from '../../db/repositories/signin.js';
import type { SecretBox } from '../../secrets/secretBox.js';
import { hashToken } from '../../secrets/tokens.js';

/**
 * oidc-provider's storage in Postgres: every replica sees the same sessions, grants and tokens,
 * so revoking at one replica cuts access at all of them at once. Payloads are sealed (they hold
 * the grant's user, client secrets of registered clients, PKCE challenges), bound to their row.
 */
export class PostgresSigninAdapter implements Adapter {
  constructor(
    private readonly model: string,
    protected readonly db: Db,
    private readonly secretBox: SecretBox,
  ) {}

  private context(idHash: string): string {
    return `signin:${this.model}:${idHash}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const idHash = hashToken(id);
    await upsertSigninItem(this.db, {
      model: this.model,
      id_hash: idHash,
      payload_sealed: this.secretBox.seal(JSON.stringify(payload), this.context(idHash)),
      grant_id: payload.grantId ?? null,
      uid: payload.uid ?? null,
      user_code: payload.userCode ?? null,
      consumed_at: null,
      expires_at: typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000) : null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const idHash = hashToken(id);
    return this.open(idHash, await findSigninItem(this.db, this.model, { idHash }));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const row = await findSigninItem(this.db, this.model, { uid });
    return row && this.open(row.id_hash, row);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const row = await findSigninItem(this.db, this.model, { userCode });
    return row && this.open(row.id_hash, row);
  }

  async consume(id: string): Promise<void> {
    await consumeSigninItem(this.db, this.model, hashToken(id));
  }

  async destroy(id: string): Promise<void> {
    await destroySigninItem(this.db, this.model, hashToken(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await revokeSigninGrant(this.db, this.model, grantId);
  }

  private open(idHash: string, row: { payload_sealed: string; consumed_at: Date | null } | undefined): AdapterPayload | undefined {
    if (!row) return undefined;
    const payload = JSON.parse(this.secretBox.open(row.payload_sealed, this.context(idHash))) as AdapterPayload;
    return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
  }
}
