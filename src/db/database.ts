import type { AccountsTable, ApiKeysTable, RateBucketsTable } from './tables/accounts.js';

/** Every table Switchboard keeps, by name. Repositories take a Kysely<Database>. */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  rate_buckets: RateBucketsTable;
}
