import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { makeIdNumber, makePhone, outboxFor } from '../../../test/helper.js';
import { creditCodeCheckChar } from './creditCode.js';

/** Test fixtures for the groups module. */
let ipSerial = 0;
/** A fresh source address per code, so the per-address SMS limit never interferes. */
export async function contactCode(app: FastifyInstance, phone: string): Promise<string> {
  ipSerial += 1;
  const res = await app.inject({
    method: 'POST', url: '/api/v1/sms-codes', payload: { phone, purpose: 'contact' },
    remoteAddress: `10.9.${Math.floor(ipSerial / 250) % 250}.${(ipSerial % 250) + 1}`,
  });
  if (res.statusCode !== 202) throw new Error(`sms code: ${res.statusCode} ${res.body}`);
  return (await outboxFor(app, phone))[0].code;
}

export function makeCreditCode(): string {
  const first17 = `511101${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 100)).padStart(2, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

/** A complete registration body for a non-legal-person group (no SMS code yet). */
export function groupBody(overrides: Record<string, unknown> = {}) {
  const tag = randomBytes(4).toString('hex');
  return {
    siteCode: '11',
    name: `朝阳志愿团体${tag}`,
    legalPerson: false,
    regionCode: '110105',
    serviceCategories: ['community'],
    leaderName: '王负责',
    leaderIdNumber: makeIdNumber(),
    contactName: '李联系',
    contactPhone: makePhone(),
    email: `g${tag}@example.com`,
    username: `grp_${tag}`,
    password: 'Group2468xy',
    ...overrides,
  } as Record<string, any>;
}

/** Registers a group through the API (with a real contact SMS code) and returns its body and id. */
export async function registerGroupViaApi(app: FastifyInstance, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const body = groupBody(overrides);
  body.contactSmsCode = await contactCode(app, body.contactPhone);
  const res = await app.inject({ method: 'POST', url: '/api/v1/groups', payload: body, headers });
  if (res.statusCode !== 201) throw new Error(`register group: ${res.statusCode} ${res.body}`);
  return { body, id: res.json().id as string };
}
