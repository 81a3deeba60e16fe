import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface CustomConnectorsTable {
  account_id: string;
  id: string;
  /** The validated connector definition (custom-connector schema), stored as given. */
  definition: Json<unknown>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Per-account overrides of a catalogue or custom connector. */
export interface ConnectorSettingsTable {
  account_id: string;
  connector_id: string;
  base_url: string | null;
  /** Values for the definition's baseUrlVariables, e.g. {"domain": "acme"} for Jira. */
  base_url_variables: Json<Record<string, string>>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  rate_limit: Json<unknown> | null;
  updated_at: UpdatedAt;
  /** From a sequence on every write, never reused: what a process that kept these settings checks against. */
  version: Generated<number>;
}

/**
 * Per account, from a sequence by a trigger on every write to its connector settings, custom
 * connectors and plugins: what a process that kept those rows checks against (no row: version 0).
 */
export interface AccountConnectorsVersionTable {
  account_id: string;
  version: number;
}

export type CustomConnectorRow = Selectable<CustomConnectorsTable>;
export type ConnectorSettingsRow = Selectable<ConnectorSettingsTable>;
