/**
 * GET /healthz for load balancers, without auth: 200 {"status":"ok"} while the switch's store answers
 * its check, 503 {"status":"unavailable","reason":…} when the check fails or takes longer than
 * HEALTH_CHECK_TIMEOUT_MS — so a balancer moves tills to another node instead of waiting on this one.
 */
import type { FastifyInstance } from 'fastify';

export const HEALTH_PATH = '/healthz';
/** Under a balancer's usual check timeout (HAProxy and nginx default to a few seconds). */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** Resolves when the node can serve (its store answers); rejects with what is wrong. */
export type HealthCheck = () => Promise<void>;

export function registerHealthRoute(app: FastifyInstance, check: HealthCheck): void {
  app.get(HEALTH_PATH, async (request, reply) => {
    const failure = await failureOf(check);
    // No caching anywhere between the node and the balancer: every probe is a fresh answer.
    reply.header('cache-control', 'no-store');
    if (failure === null) return { status: 'ok' };
    request.log.warn({ reason: failure }, 'health check failed');
    return reply.code(503).send({ status: 'unavailable', reason: failure });
  });
}

/** null when the check passed in time, else why not. A check that throws synchronously counts as failed. */
async function failureOf(check: HealthCheck): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the store did not answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`), HEALTH_CHECK_TIMEOUT_MS);
  });
  const checked = Promise.resolve()
    .then(check)
    .then(
      () => null,
      (err: unknown) => `the store did not answer: ${err instanceof Error ? err.message : String(err)}`,
    );
  try {
    return await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
