import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes every run carries, so operators can filter runs in the Temporal UI and with
 * `temporal workflow list --query`. Registered on the embedded dev server at start; on a real
 * cluster README gives the `temporal operator search-attribute create` command.
 */
export const searchAttributes = {
  accountId: defineSearchAttributeKey('accountId', SearchAttributeType.KEYWORD),
  serverId: defineSearchAttributeKey('serverId', SearchAttributeType.KEYWORD),
  userId: defineSearchAttributeKey('userId', SearchAttributeType.KEYWORD),
  connectorId: defineSearchAttributeKey('connectorId', SearchAttributeType.KEYWORD),
  actionId: defineSearchAttributeKey('actionId', SearchAttributeType.KEYWORD),
  runKind: defineSearchAttributeKey('runKind', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('outcome', SearchAttributeType.KEYWORD),
} as const;

export const allSearchAttributeKeys = Object.values(searchAttributes);
