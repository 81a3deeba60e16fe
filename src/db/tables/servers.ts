import type { ColumnType, Selectable } from 'kysely';
import type { Restrictions, ServerMode } from '../../servers/schemas.js';

export interface ServersTable {
  /** Readable slug of the name plus a random suffix: my-server-a1b2c3d4. */
  id: string;
  account_id: string;
  owner_user_id: string;
  name: string;
  description: string;
  is_public: boolean;
  /** Offers the management tools on MCP; its access URL acts with the admin role (src/policy/roles.ts). */
  admin: ColumnType<boolean, boolean | undefined, boolean>;
  /** "connectivity": the meta-tools; "tools": each assigned connector's actions as tools (docs/tools-mode.md). */
  mode: ColumnType<ServerMode, ServerMode | undefined, ServerMode>;
  token_expires_in_days: number;
  restrictions: ColumnType<Restrictions, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ServerTokensTable {
  id: string;
  server_id: string;
  token_hash: string;
  token_hint: string;
  /** Only the start-up server's token, sealed so each start can print its access URL; null for every other. */
  token_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  expires_at: Date;
  revoked_at: Date | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type ServerRow = Selectable<ServersTable>;
export type ServerTokenRow = Selectable<ServerTokensTable>;
