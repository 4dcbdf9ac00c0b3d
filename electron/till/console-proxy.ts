/**
 * The console's views of the switch: the TillApi methods a manager or field tech uses to look into
 * the switch (meters, routing, providers, alerts, transactions, advices, injected faults), proxied
 * to the switch's admin API with the till's switch credentials. Answers pass through as served.
 */
import type { TillValues } from '../api/contract';
import type { Handlers } from './backend-context';
import { callSwitch } from './switch-http';
import type { SwitchLink } from './switch-link';

type ConsoleMethod = 'meterSearch' | 'meterDetail' | 'confirmSupport' | 'routing' | 'providers' | 'alerts' | 'switchTransactions' | 'switchTransaction' | 'switchAdvices' | 'setProviderBehaviour';

/** A call to the admin API of the switch in use, with the till's switch credentials; failures in the manager's words. */
export function switchAdmin(link: SwitchLink): <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<T> {
  return <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> =>
    callSwitch<T>(link, method, `/admin/v1${path}`, body, 'The switch refused the till’s credentials for its console. Check the switch user in Settings.');
}

export function consoleHandlers(link: SwitchLink): Handlers<ConsoleMethod> {
  const admin = switchAdmin(link);
  /** A list the switch serves bare or wrapped ({alerts:[…]}): always the list. */
  async function list(path: string, key: string): Promise<TillValues['alerts']['alerts']> {
    const d = await admin<unknown>('GET', path);
    return Array.isArray(d) ? d : (((d as Record<string, unknown>)[key] as TillValues['alerts']['alerts'] | undefined) ?? []);
  }

  return {
    meterSearch: ({ prefix, limit }) => admin('GET', `/meters?prefix=${encodeURIComponent(prefix)}&limit=${limit ?? 10}`),
    meterDetail: ({ meterId }) => admin('GET', `/meters/${encodeURIComponent(meterId)}`),
    confirmSupport: ({ meterId }) => admin('POST', `/meters/${encodeURIComponent(meterId)}/confirm-support`, {}),
    routing: () => admin('GET', '/routing'),
    providers: () => admin('GET', '/providers'),
    alerts: async () => ({ alerts: await list('/alerts', 'alerts') }),
    async switchTransactions(f) {
      const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
      return { transactions: await list(`/transactions${qs ? '?' + qs : ''}`, 'transactions') };
    },
    switchTransaction: ({ id }) => admin('GET', `/transactions/${encodeURIComponent(id)}`),
    switchAdvices: async () => ({ advices: await list('/advices', 'queue') }), // the switch serves {queue: […]}
    async setProviderBehaviour({ providerId, patch }) {
      const d = await admin<Record<string, unknown>>('PATCH', `/providers/${encodeURIComponent(providerId)}/behaviour`, patch);
      return { providerId, behaviour: (d.behaviour ?? d) as TillValues['setProviderBehaviour']['behaviour'] };
    },
  };
}
