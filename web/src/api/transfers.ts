// Record transfer (记录转移) calls; shapes follow src/modules/record-transfers/routes.ts.
import { api } from './client';
import type { Page } from './types';

export interface Transfer {
  id: string;
  fromSiteCode: string;
  fromSiteName: string;
  fromRegionCode: string | null;
  fromRegionName: string | null;
  toSiteCode: string;
  toSiteName: string;
  toRegionCode: string;
  toRegionName: string;
  reason: string | null;
  createdAt: string;
}

export interface MyProfileRegion {
  basic: { siteCode: string; volunteerNumber: string | null };
  identity: { realNameStatus: string };
  intentions: { serviceRegionCode: string | null; serviceRegionName: string | null };
}

export const transfersApi = {
  transfer: (body: { siteCode: string; regionCode: string; reason?: string }) => api.post<Transfer>('/me/transfers', body),
  mine: (query: { page?: number; pageSize?: number } = {}) => api.get<Page<Transfer>>('/me/transfers', { query }),
  /** The current service region lives on the profile's 服务意向 tab. */
  profile: () => api.get<MyProfileRegion>('/me/profile'),
};
