/** At most one record transfer per this many days (documented in docs/decisions.md). */
export const TRANSFER_INTERVAL_DAYS = 30;

/** User-facing text of record transfers (记录转移). */
export const TEXT = {
  realnameRequired: '通过实名认证后才能转移服务记录',
  siteInvalid: '请选择要转入的省级分站',
  regionInvalid: '请选择转入地所在的区县或乡镇/街道，且须属于所选省级分站',
  sameRegion: '转入地与当前服务区域相同，无需转移',
  tooSoon: (days: number) => `${TRANSFER_INTERVAL_DAYS} 天内只能转移一次服务记录，请 ${days} 天后再试`,
} as const;
