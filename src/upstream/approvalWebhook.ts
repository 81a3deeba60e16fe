import type { Dispatcher } from 'undici';
import type { Config } from '../config.js';
import { callUpstream } from './http.js';
import { checkUrl } from './egress.js';

/** What approvers' webhook receives: where to decide, and what is asked; never the arguments (they may hold anything). */
export interface ApprovalAnnouncement {
  type: 'approval.requested';
  approvalId: string;
  accountId: string;
  userId: string;
  serverId: string;
  connectorId: string;
  actionId: string;
  argumentsDigest: string;
  policy: { id: string; version: number; name: string };
  expiresAt: string;
  /** The approval page, when PUBLIC_URL is set. */
  url?: string;
}

/** A webhook answer is only a status: a few KB of it are read, the rest dropped. */
const MAX_ANSWER_BYTES = 4096;
const TIMEOUT_MS = 10_000;

/**
 * One POST to APPROVAL_WEBHOOK_URL through the egress policy (the URL is checked, and so is every
 * address it resolves to), bounded in time and in what is read back. Answers the status.
 */
export async function announceApproval(config: Pick<Config, 'egress' | 'approvals'>, dispatcher: Dispatcher, announcement: ApprovalAnnouncement): Promise<number | undefined> {
  const target = config.approvals.webhookUrl;
  if (!target) return undefined;
  const url = new URL(target);
  checkUrl(config.egress, url);
  const response = await callUpstream(
    dispatcher,
    { method: 'POST', url, headers: { 'content-type': 'application/json', 'user-agent': 'switchboard-approvals' }, body: JSON.stringify(announcement) },
    { totalTimeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_ANSWER_BYTES },
  );
  return response.status;
}
