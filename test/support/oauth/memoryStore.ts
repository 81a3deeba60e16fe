import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** epoch ms; Infinity when the provider gave no lifetime */
  expiresAt: number;
}

export interface StoredItem {
  model: string;
  id: string;
  payload: AdapterPayload;
}

/**
 * One in-memory store per server instance. oidc-provider's bundled memory
 * adapter is module-global (servers in one vitest worker would share state)
 * and offers no way to enumerate by account, which revokeAllFor needs.
 * Expired entries are dropped lazily so no timers keep the process alive.
 */
export class MemoryStore {
  readonly #entries = new Map<string, Entry>();

  readonly adapterFactory: AdapterFactory = (model) => new MemoryAdapter(model, this);

  get(model: string, id: string): AdapterPayload | undefined {
    const key = `${model}:${id}`;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(model: string, id: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    this.#entries.set(`${model}:${id}`, { payload, expiresAt });
  }

  delete(model: string, id: string): void {
    this.#entries.delete(`${model}:${id}`);
  }

  /** Live (unexpired) entries, optionally of one model. */
  list(model?: string): StoredItem[] {
    const now = Date.now();
    const out: StoredItem[] = [];
    for (const [key, entry] of this.#entries) {
      const sep = key.indexOf(':');
      const entryModel = key.slice(0, sep);
      if (model !== undefined && entryModel !== model) continue;
      if (entry.expiresAt <= now) continue;
      out.push({ model: entryModel, id: key.slice(sep + 1), payload: entry.payload });
    }
    return out;
  }

  clear(): void {
    this.#entries.clear();
  }
}

class MemoryAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly store: MemoryStore,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.store.set(this.model, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.model, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.store.list(this.model).find((item) => item.payload.uid === uid)?.payload;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.store.list(this.model).find((item) => item.payload.userCode === userCode)?.payload;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.model, id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const item of this.store.list(this.model)) {
      if (item.payload.grantId === grantId) this.store.delete(this.model, item.id);
    }
  }
}
