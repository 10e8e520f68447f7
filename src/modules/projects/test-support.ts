import type { FastifyInstance } from 'fastify';
import { asUser } from '../../../test/helper.js';
import { chinaToday } from './status.js';

/** A China date `days` from the app's today. */
export function dayFrom(app: FastifyInstance, days: number): string {
  const today = chinaToday(app.ctx.now());
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A valid project for a group in Beijing 朝阳区, starting in a week and lasting three days. */
export function projectBody(app: FastifyInstance, overrides: Record<string, unknown> = {}) {
  return {
    name: '社区助老服务', siteCode: '11', regionCode: '110105', category: 'community', serviceTarget: 'elderly', enrollmentScope: 'public',
    startDate: dayFrom(app, 7), endDate: dayFrom(app, 9), address: '北京市朝阳区某社区服务中心', location: { lat: 39.92, lng: 116.44 },
    description: '陪伴社区老人，协助体检。', positions: [{ name: '陪护', quota: 5, requirements: '有耐心' }, { name: '引导', quota: 3 }],
    ...overrides,
  };
}

export async function publish(app: FastifyInstance, cookie: string, overrides: Record<string, unknown> = {}) {
  const res = await asUser(app, cookie, { method: 'POST', url: '/api/v1/projects', payload: projectBody(app, overrides) });
  if (res.statusCode !== 201) throw new Error(`publish failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; status: string };
}
