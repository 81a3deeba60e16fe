import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Db } from '../db/connect.js';
import { getAccount, userTokenSecretOf } from '../db/repositories/accounts.js';
import type { Account } from '../db/tables/accounts.js';
import { UnauthorizedError } from '../errors.js';
import type { SecretBox } from '../secrets/secretBox.js';

/**
 * x-user-token: a JWT (HS256) signed with the account's own secret that names one end user.
 * It is the isolation boundary when one MCP URL is shared by many users: a user cannot claim
 * another's id without the account's secret, unlike the plain x-user-id header.
 */
export const userIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.@:+-]+$/, 'may contain letters, digits and _ . @ : + - only');

export const issueUserTokenInput = z
  .object({
    userId: userIdSchema,
    expiresInSeconds: z.number().int().min(60).max(30 * 86_400).default(3_600),
  })
  .strict();
export type IssueUserTokenInput = z.infer<typeof issueUserTokenInput>;

const ISSUER = 'switchboard';

function keyOf(account: Account, secretBox: SecretBox): Uint8Array {
  return new TextEncoder().encode(userTokenSecretOf(account, secretBox));
}

export async function issueUserToken(account: Account, secretBox: SecretBox, input: IssueUserTokenInput) {
  const expiresAt = new Date(Date.now() + input.expiresInSeconds * 1000);
  const token = await new SignJWT({ acct: account.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(input.userId)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(keyOf(account, secretBox));
  return { token, userId: input.userId, expiresAt: expiresAt.toISOString() };
}

/** Verifies a user token. With `expectedAccount` it must belong to that account. */
export async function verifyUserToken(
  db: Db,
  secretBox: SecretBox,
  token: string,
  expectedAccount?: Account,
): Promise<{ account: Account; userId: string }> {
  let accountId: unknown;
  try {
    accountId = decodeJwt(token).acct;
  } catch {
    throw new UnauthorizedError('x-user-token is not a valid JWT');
  }
  if (typeof accountId !== 'string' || (expectedAccount && expectedAccount.id !== accountId)) {
    throw new UnauthorizedError('x-user-token was not issued for this account');
  }
  const account = expectedAccount ?? (await getAccount(db, accountId));
  if (!account) throw new UnauthorizedError('x-user-token was not issued for this account');
  try {
    const { payload } = await jwtVerify(token, keyOf(account, secretBox), { issuer: ISSUER, algorithms: ['HS256'] });
    const userId = userIdSchema.safeParse(payload.sub);
    if (!userId.success) throw new Error('bad subject');
    return { account, userId: userId.data };
  } catch {
    throw new UnauthorizedError('x-user-token is invalid or expired');
  }
}
