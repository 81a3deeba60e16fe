import type { AccountsTable, ApiKeysTable, RateBucketsTable } from './tables/accounts.js';
import type { ServersTable, ServerTokensTable } from './tables/servers.js';
import type { ConnectorSettingsTable, CustomConnectorsTable } from './tables/connectors.js';
import type { CredentialsTable } from './tables/credentials.js';
import type { OAuthAppsTable, OAuthAttemptsTable } from './tables/oauth.js';
import type { AccountVariablesTable, RemoteMcpConnectorsTable, ServerConnectorAssignmentsTable } from './tables/remoteMcpConnectors.js';
import type { McpTasksTable } from './tables/mcpTasks.js';
import type { CredentialWaitersTable, McpSessionsTable } from './tables/mcpSessions.js';
import type { ThrottleSlotsTable } from './tables/throttles.js';
import type { UpstreamSendsTable } from './tables/upstreamSends.js';
import type { AuditLogTable } from './tables/audit.js';
import type { SigninKeysTable, SigninStoreTable } from './tables/signin.js';
import type { RemoteMcpOAuthClientsTable } from './tables/remoteMcpOAuthClients.js';
import type { CallLeasesTable } from './tables/callLeases.js';
import type { ApprovalsTable, CallPoliciesTable, CallPolicyVersionsTable } from './tables/callPolicies.js';
import type { PluginsTable, PluginVersionsTable } from './tables/plugins.js';

/** Every table Switchboard keeps, by name. Repositories take a Kysely<Database>. */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  rate_buckets: RateBucketsTable;
  servers: ServersTable;
  server_tokens: ServerTokensTable;
  custom_connectors: CustomConnectorsTable;
  connector_settings: ConnectorSettingsTable;
  credentials: CredentialsTable;
  oauth_apps: OAuthAppsTable;
  oauth_attempts: OAuthAttemptsTable;
  mcp_connectors: RemoteMcpConnectorsTable;
  plugins: PluginsTable;
  plugin_versions: PluginVersionsTable;
  account_variables: AccountVariablesTable;
  server_connector_assignments: ServerConnectorAssignmentsTable;
  mcp_tasks: McpTasksTable;
  throttle_slots: ThrottleSlotsTable;
  mcp_sessions: McpSessionsTable;
  credential_waiters: CredentialWaitersTable;
  upstream_sends: UpstreamSendsTable;
  audit_log: AuditLogTable;
  signin_store: SigninStoreTable;
  signin_keys: SigninKeysTable;
  mcp_oauth_clients: RemoteMcpOAuthClientsTable;
  call_leases: CallLeasesTable;
  call_policies: CallPoliciesTable;
  call_policy_versions: CallPolicyVersionsTable;
  approvals: ApprovalsTable;
}
