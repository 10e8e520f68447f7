/** User-facing text of real-name verification and its administration. */
export const TEXT = {
  personNotFound: '该账号不存在或没有实名信息',
  alreadyVerified: '该人员已通过实名认证，无需再次审核；已认证的身份信息不能由审核改回',
  reviewForbidden: '只有系统管理员可以进行实名认证人工审核',
  listForbidden: '只有系统管理员可以查看实名认证审核名单',
} as const;

/**
 * What `people.realname_note` holds: a short code saying how the current status was reached, never personal
 * text (a reviewer's reason goes to the audit log and the SMS).
 */
export const NOTE = {
  /** pending: the document cannot be checked by the provider (passport, permits, 港澳台 residence permits). */
  manualReview: 'manual_review',
  providerMatch: 'provider_match',
  providerMismatch: 'provider_mismatch',
  providerNoRecord: 'provider_no_record',
  manual: 'manual',
} as const;
