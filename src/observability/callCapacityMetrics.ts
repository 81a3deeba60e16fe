import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics.js';

type CapacityReader = () => Promise<Array<{ accountId: string; inFlight: number; queued: number }>>;

/** The running apps' readers (tests run several apps in one process): the latest started answers. */
const readers: CapacityReader[] = [];

/**
 * Slow connector attempts per account, read from the shared lease table at each scrape, so every
 * process reports the same figures. Labels: account ids that have leases (ids, never names), and
 * the state.
 */
new Gauge({
  name: 'switchboard_slow_calls',
  help: "Slow-lane connector attempts by account: in_flight (holding a place under ACCOUNT_MAX_IN_FLIGHT) or queued (waiting for one)",
  labelNames: ['account', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    const read = readers.at(-1);
    // A database that does not answer leaves these out; the rest of the page still goes out.
    const counts = read ? await read().catch(() => []) : [];
    for (const { accountId, inFlight, queued } of counts) {
      this.set({ account: accountId, state: 'in_flight' }, inFlight);
      this.set({ account: accountId, state: 'queued' }, queued);
    }
  },
});

/** The composition root names where the figures come from (its database); the returned function takes it back on stop. */
export function reportSlowCalls(reader: CapacityReader): () => void {
  readers.push(reader);
  return () => {
    readers.splice(readers.indexOf(reader), 1);
  };
}
