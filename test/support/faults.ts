/**
 * Shared by the crash and restart tests: a payments connector whose upstream (the fake SaaS's
 * POST /charges) honours Idempotency-Key, so a repeated attempt can be told from a new payment.
 */
export const paymentsConnector = (baseUrl: string) => ({
  id: 'acme-pay',
  name: 'Acme Pay',
  baseUrl,
  authMethods: [{ type: 'bearer' }],
  resources: [{ id: 'charges', name: 'Charges' }],
  actions: [
    {
      id: 'create_charge',
      resource: 'charges',
      title: 'Create a charge',
      description: 'Takes a payment',
      method: 'POST',
      path: '/charges',
      idempotencyKeyHeader: 'Idempotency-Key',
      parameters: [{ name: 'amount', in: 'body', type: 'integer', required: true }],
      response: {},
    },
  ],
});

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
