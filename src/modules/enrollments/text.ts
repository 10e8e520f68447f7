import type { EnrollmentStatus } from '../../platform/database/schema-enrollments.js';

/** The most pending project applications a volunteer may hold in one provincial site (seed 002 §2.1.8.1). */
export const PENDING_PROJECT_LIMIT = 5;

/** User-facing text of enrolment. */
export const TEXT = {
  projectNotFound: '该志愿项目不存在',
  notRecruiting: '该志愿项目当前不在招募期内，不能报名',
  positionNotFound: '该项目没有这个岗位',
  membersOnly: '该项目仅限本团体成员报名，请先加入发布项目的志愿团体',
  realnameRequired: '通过实名认证后才能报名参加志愿项目',
  alreadyEnrolled: '您已报名成功，不能重复报名',
  alreadyApplied: '您已提交报名申请，请等待团体审核',
  limitReached: `每个省级分站最多同时有 ${PENDING_PROJECT_LIMIT} 个待审核的项目报名，请等待审核后再报名`,
  positionFull: '该岗位名额已满',
  exemptWrong: '免审密码错误',
  exemptThrottled: '免审密码尝试次数过多，请一小时后再试',
  enrollmentNotFound: '未找到该志愿者在本项目的报名记录',
  notPending: '该报名已处理，不能重复审核',
  notCancellable: '只能取消待审核或已报名成功的报名',
  reasonRequired: '拒绝报名时请填写原因',
} as const;

export const STATUS_NAMES: Record<EnrollmentStatus, string> = {
  pending: '待审核',
  enrolled: '已报名',
  rejected: '未通过',
  cancelled: '已取消',
};
