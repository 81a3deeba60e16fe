import Router from '@koa/router';

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean>;
}

export function healthRoutes(checks: ReadinessCheck[]): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          return [name, (await withTimeout(check(), 2_000)) ? 'ready' : 'not ready'] as const;
        } catch (error) {
          return [name, `not ready: ${(error as Error).message.split('\n')[0]}`] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ready');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) };
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
