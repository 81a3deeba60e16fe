/**
 * Predefined `oauth` remote MCP entries. A connector made from one is a remote MCP server behind
 * OAuth while its server answers (OAUTH_MCP_URLS can point it elsewhere); when it does not, the
 * entry's tools are the actions of the catalogue connector whose OAuth credential backs it, and it
 * is "connected" when the user has an active credential for that connector.
 */
export interface PredefinedEntry {
  id: string;
  name: string;
  /** The catalogue connector whose OAuth credential the entry uses. */
  connectorId: string;
  /** The remote MCP endpoint the provider serves it at. */
  url: string;
}

export const predefinedEntries: readonly PredefinedEntry[] = [
  { id: 'gmail', name: 'Gmail', connectorId: 'gmail', url: 'https://gmailmcp.googleapis.com/mcp/v1' },
  { id: 'google-calendar', name: 'Google Calendar', connectorId: 'google-calendar', url: 'https://calendarmcp.googleapis.com/mcp/v1' },
  { id: 'google-drive', name: 'Google Drive', connectorId: 'google-drive', url: 'https://drivemcp.googleapis.com/mcp/v1' },
];

export const predefinedEntryIds = predefinedEntries.map((entry) => entry.id) as [string, ...string[]];

export function predefinedEntry(id: string): PredefinedEntry | undefined {
  return predefinedEntries.find((entry) => entry.id === id);
}

/** What a user without a credential for the entry must do. */
export function connectionHint(entry: PredefinedEntry): string {
  return (
    `${entry.name} is not connected for this user: create_credential with connectorId "${entry.connectorId}" ` +
    `and authenticationType "oauth2" (or POST /api/credentials), then open the authorization URL.`
  );
}

/** What a user who has not signed in to an `oauth` remote MCP server must do. */
export function signInHint(name: string, connectorId: string): string {
  return (
    `Sign-in required: ${name} is not connected for this user. Call one of its tools (a client with URL elicitation is sent ` +
    `the sign-in link), or create_credential with connectorId "${connectorId}" and authenticationType "oauth2", then open the authorization URL.`
  );
}
