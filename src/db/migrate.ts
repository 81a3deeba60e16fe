import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { DatabaseHandle } from './connect.js';
import * as accounts from './migrations/20261121000000_accounts.js';
import * as servers from './migrations/20261121000100_servers.js';
import * as connectorsCredentials from './migrations/20261121000200_connectors_credentials.js';
import * as oauth from './migrations/20261121000500_oauth.js';
import * as mcpConnectors from './migrations/20261121000700_mcp_connectors.js';
import * as mcpTasks from './migrations/20261121000800_mcp_tasks.js';
import * as throttleSlots from './migrations/20261121000900_throttle_slots.js';
import * as mcpSessions from './migrations/20261121001000_mcp_sessions.js';
import * as upstreamSends from './migrations/20261121001100_upstream_sends.js';
import * as apiKeyRoles from './migrations/20261130000000_api_key_roles.js';
import * as mcpConnectorUrlSealed from './migrations/20261130000100_mcp_connector_url_sealed.js';
import * as throttleGeneration from './migrations/20261130000400_throttle_generation.js';
import * as mcpSessionLogLevel from './migrations/20261130200000_mcp_session_log_level.js';
import * as auditLog from './migrations/20261130300000_audit_log.js';
import * as signin from './migrations/20261130300100_signin.js';
import * as serverAdmin from './migrations/20261130410000_server_admin.js';
import * as mcpOAuthClients from './migrations/20261201000000_mcp_oauth_clients.js';
import * as callLeases from './migrations/20261202000000_call_leases.js';
import * as serverTokenSealed from './migrations/20261207000000_server_token_sealed.js';
import * as mcpTaskInput from './migrations/20261207100000_mcp_task_input.js';
import * as settingsVersion from './migrations/20261207200000_settings_version.js';
import * as mcpOAuthPreregistered from './migrations/20261207300000_mcp_oauth_preregistered.js';
import * as serverMode from './migrations/20261207300000_server_mode.js';
import * as stdioConnectors from './migrations/20261207300000_stdio_connectors.js';
import * as plugins from './migrations/20261207300100_plugins.js';
import * as callPoliciesApprovals from './migrations/20261207400000_call_policies_approvals.js';
import * as credentialVariant from './migrations/20261207600000_credential_variant.js';
import * as runNotes from './migrations/20261207700000_run_notes.js';
import * as runRequests from './migrations/20261207800000_run_requests.js';
import * as resourceSubscriptions from './migrations/20261207850000_resource_subscriptions.js';
import * as remoteProtocolVersion from './migrations/20261207900000_remote_protocol_version.js';
import * as accountConnectorsVersion from './migrations/20261207910000_account_connectors_version.js';
import * as mcpStreamEvents from './migrations/20261207920000_mcp_stream_events.js';
import * as remoteCapabilities from './migrations/20261207930000_remote_capabilities.js';

/**
 * Migrations are listed here rather than read from a folder, so they work the same under tsx,
 * from a bundle and in tests. Names are timestamps: Kysely runs them in name order.
 */
const migrations: Record<string, Migration> = {
  '20261121000000_accounts': accounts,
  '20261121000100_servers': servers,
  '20261121000200_connectors_credentials': connectorsCredentials,
  '20261121000500_oauth': oauth,
  '20261121000700_mcp_connectors': mcpConnectors,
  '20261121000800_mcp_tasks': mcpTasks,
  '20261121000900_throttle_slots': throttleSlots,
  '20261121001000_mcp_sessions': mcpSessions,
  '20261121001100_upstream_sends': upstreamSends,
  '20261130000000_api_key_roles': apiKeyRoles,
  '20261130000100_mcp_connector_url_sealed': mcpConnectorUrlSealed,
  '20261130000400_throttle_generation': throttleGeneration,
  '20261130200000_mcp_session_log_level': mcpSessionLogLevel,
  '20261130300000_audit_log': auditLog,
  '20261130300100_signin': signin,
  '20261130410000_server_admin': serverAdmin,
  '20261201000000_mcp_oauth_clients': mcpOAuthClients,
  '20261202000000_call_leases': callLeases,
  '20261207000000_server_token_sealed': serverTokenSealed,
  '20261207100000_mcp_task_input': mcpTaskInput,
  '20261207200000_settings_version': settingsVersion,
  '20261207300000_mcp_oauth_preregistered': mcpOAuthPreregistered,
  '20261207300000_server_mode': serverMode,
  '20261207300000_stdio_connectors': stdioConnectors,
  '20261207300100_plugins': plugins,
  '20261207400000_call_policies_approvals': callPoliciesApprovals,
  '20261207600000_credential_variant': credentialVariant,
  '20261207700000_run_notes': runNotes,
  '20261207800000_run_requests': runRequests,
  '20261207850000_resource_subscriptions': resourceSubscriptions,
  '20261207900000_remote_protocol_version': remoteProtocolVersion,
  '20261207910000_account_connectors_version': accountConnectorsVersion,
  '20261207920000_mcp_stream_events': mcpStreamEvents,
  '20261207930000_remote_capabilities': remoteCapabilities,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

// Named schema: left unset, Kysely looks for its lock table in every schema and can find another's.
const migratorFor = ({ db, schema }: DatabaseHandle) => new Migrator({ db, provider, migrationTableSchema: schema });

export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const migrator = migratorFor(handle);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}

export async function migrateDown(handle: DatabaseHandle): Promise<string | undefined> {
  const migrator = migratorFor(handle);
  const { error, results } = await migrator.migrateDown();
  if (error) throw new Error(`Migrating down failed: ${String(error)}`, { cause: error });
  return results?.[0]?.migrationName;
}
