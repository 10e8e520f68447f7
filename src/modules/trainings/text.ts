/** User-facing text of trainings, online courses and online exams (培训 / 在线课程 / 在线考试). */
export const TEXT = {
  platformName: '志愿服务信息平台',
  invalid: '培训信息有误，请按提示修改',
  notFound: '该培训不存在',
  providerOnly: '只有志愿团体或系统管理员可以发布培训',
  notProvider: '只有举办该培训的志愿团体可以进行此操作',
  notOffline: '该操作只适用于线下培训',
  notCourse: '该操作只适用于在线课程',
  notExam: '该操作只适用于在线考试',
  pageNotFound: '该课程没有这一页',
  started: '培训已开始，不能再报名或取消报名',
  full: '该培训名额已满',
  alreadyRegistered: '您已报名该培训，不能重复报名',
  notRegistered: '您没有报名该培训',
  notStarted: '培训开始后才能登记出勤',
  attendanceInvalid: '名单中有未报名该培训的志愿者，请核对后再提交',
  capacityBelowRegistered: '培训名额不能少于已报名人数',
  attemptOpen: '您有一场尚未交卷的考试，请先完成',
  alreadyPassed: '您已通过该考试，无需再考',
  maxAttempts: (n: number) => `该考试最多可参加 ${n} 次，您的考试次数已用完`,
  retakeTooSoon: (at: string) => `距上次考试时间太短，请于 ${at}（北京时间）后再参加考试`,
  attemptNotFound: '该考试记录不存在',
  attemptClosed: '该场考试已交卷，不能重复提交',
  attemptExpired: '考试时间已到，本次答卷未能提交，记为未通过',
  answersInvalid: '答卷内容有误，请按提示修改',
} as const;

export const KIND_NAMES = { offline: '线下培训', course: '在线课程', exam: '在线考试' } as const;
export const TRUE_FALSE_OPTIONS = ['正确', '错误'];

/** A submission this long after the time limit is still accepted: the answer sheet may be in flight when time runs out. */
export const SUBMIT_GRACE_MS = 30_000;

/** 'YYYY-MM-DD HH:mm' in China time. */
export const chinaTime = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
