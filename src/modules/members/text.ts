import type { MemberStatus } from '../../platform/database/schema-groups.js';

/** The most groups (joined + pending) a volunteer may hold in one provincial site (seed 002 §2.1.7.1). */
export const GROUP_LIMIT = 20;

/** User-facing text of group membership. */
export const TEXT = {
  groupNotFound: '该志愿团体不存在',
  notAccepting: '该志愿团体当前不接受志愿者加入',
  realnameRequired: '通过实名认证后才能申请加入志愿团体',
  alreadyMember: '您已是该志愿团体的成员',
  alreadyApplied: '您已申请加入该志愿团体，请等待团体审核',
  limitReached: `每个省级分站最多可加入 ${GROUP_LIMIT} 个志愿团体（含已加入和申请中），您已达到上限`,
  exemptWrong: '免审密码错误',
  exemptThrottled: '免审密码尝试次数过多，请一小时后再试',
  memberNotFound: '未找到该志愿者在本团体的记录',
  notPending: '该申请已处理，不能重复审核',
  notJoined: '该志愿者不是本团体的正式成员',
  reasonRequired: '拒绝申请或移除成员时请填写原因',
  exportTooLarge: '导出的记录过多，请按状态筛选后分批导出',
} as const;

export const STATUS_NAMES: Record<MemberStatus, string> = {
  pending: '申请中',
  joined: '已加入',
  rejected: '被拒绝',
  left: '已退出',
  removed: '已移除',
};

export const GENDER_NAMES = { male: '男', female: '女' } as const;

export const EXPORT_HEADER = ['姓名', '用户名', '志愿者编号', '性别', '手机号', '状态', '加入方式', '申请时间', '审核时间', '原因'];
export const VIA_NAMES = { application: '申请', exempt_password: '免审密码', import: '导入' } as const;
export const EXPORT_FILE_NAME = '团体成员.xlsx';
export const EXPORT_SHEET_NAME = '团体成员';
