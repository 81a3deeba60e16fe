import { sql } from 'kysely';
import type { Db } from '../connect.js';
import type { AssignmentRow } from '../tables/remoteMcpConnectors.js';
import type { McpSessionRow } from '../tables/mcpSessions.js';
import type { ServerRow } from '../tables/servers.js';
import { hashToken } from '../../secrets/tokens.js';
import { refilledTokens, refusal, type BucketDecision } from './rateBuckets.js';

/** What an MCP request through an access URL needs before its body is read, from one statement. */
export interface AccessTokenDoor {
  server: ServerRow;
  tokenId: string;
  /** The request's first rate-limit token (bucket `token:<tokenId>`), taken by the same statement. */
  firstToken: BucketDecision;
  /** The session the request's Mcp-Session-Id names on this server, whoever owns it: the caller checks the owner. */
  session: McpSessionRow | undefined;
  /** The server's connector assignments, oldest first. */
  assignments: AssignmentRow[];
  /** The account's connectors version (src/connectors/accountRows.ts): a copy of the account's connector rows of this version is current. */
  connectorsVersion: number;
}

interface DoorRow extends ServerRow {
  token_id: string;
  first_token_taken: boolean;
  bucket_tokens: number | null;
  session: (Omit<McpSessionRow, 'created_at'> & { created_at: string }) | null;
  assignments: Array<Omit<AssignmentRow, 'created_at'> & { created_at: string }>;
  connectors_version: string | null;
}

/**
 * The server behind a live access token (undefined for unknown, expired and revoked tokens),
 * with the request's first token taken from the token's rate-limit bucket, its session and the
 * server's assignments and its account's connectors version: one round trip where there were four. The bucket is taken as takeToken
 * takes it (src/db/repositories/rateBuckets.ts); a refusal reads the bucket as it was before.
 */
export async function openByAccessToken(
  db: Db,
  request: { serverId: string; token: string; sessionId?: string; perMinute: number },
): Promise<AccessTokenDoor | undefined> {
  const { perMinute } = request;
  const { rows } = await sql<DoorRow>`
    with found as (
      select servers.*, server_tokens.id as token_id
      from server_tokens join servers on servers.id = server_tokens.server_id
      where server_tokens.token_hash = ${hashToken(request.token)} and server_tokens.server_id = ${request.serverId}
        and server_tokens.revoked_at is null and server_tokens.expires_at > ${new Date()}
    ),
    taken as (
      insert into rate_buckets (key, tokens, updated_at)
      select 'token:' || found.token_id, ${perMinute - 1}::double precision, clock_timestamp() from found
      on conflict (key) do update set tokens = ${refilledTokens(perMinute, 'rate_buckets')} - 1, updated_at = clock_timestamp()
        where ${refilledTokens(perMinute, 'rate_buckets')} >= 1
      returning key
    )
    select found.*,
      exists (select 1 from taken) as first_token_taken,
      (select ${refilledTokens(perMinute, 'bucket')} from rate_buckets bucket where bucket.key = 'token:' || found.token_id) as bucket_tokens,
      (select row_to_json(session) from mcp_sessions session where session.session_id = ${request.sessionId ?? null} and session.server_id = found.id) as session,
      (select coalesce(json_agg(assignment order by assignment.created_at, assignment.target_id), '[]')
        from server_connector_assignments assignment where assignment.server_id = found.id) as assignments,
      (select version from account_connectors_version where account_connectors_version.account_id = found.account_id) as connectors_version
    from found`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { token_id, first_token_taken, bucket_tokens, session, assignments, connectors_version, ...server } = row;
  return {
    server,
    tokenId: token_id,
    firstToken: first_token_taken ? { allowed: true, retryAfterSeconds: 0 } : refusal(perMinute, 1, Number(bucket_tokens ?? 0)),
    session: session ? { ...session, created_at: new Date(session.created_at) } : undefined,
    assignments: assignments.map((assignment) => ({ ...assignment, created_at: new Date(assignment.created_at) })),
    connectorsVersion: Number(connectors_version ?? 0),
  };
}
