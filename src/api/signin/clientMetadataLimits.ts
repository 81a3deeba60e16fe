/** What one client (registered, or described by a metadata document) may make us keep and show. */

/** The consent page shows it; real clients' names are a few words. */
const MAX_CLIENT_NAME_LENGTH = 200;
/** A real registration is well under 1 KiB; this is what one client may make us store. */
const MAX_CLIENT_METADATA_BYTES = 8 * 1024;

/** Why a client's metadata is refused, in RFC 7591 words, or undefined when it is acceptable. */
export function clientMetadataProblem(metadata: Record<string, unknown>): string | undefined {
  const name = metadata.client_name;
  if (typeof name === 'string' && name.length > MAX_CLIENT_NAME_LENGTH) return `client_name must be at most ${MAX_CLIENT_NAME_LENGTH} characters`;
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_CLIENT_METADATA_BYTES) return `client metadata must be at most ${MAX_CLIENT_METADATA_BYTES} bytes`;
  return undefined;
}
