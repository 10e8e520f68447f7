/** User-facing text of reports (举报) on service records. */
export const TEXT = {
  recordNotFound: '服务时长记录不存在',
  recordDeleted: '该服务时长记录已删除，无需举报',
  reasonRequired: '请填写举报理由',
  reasonTooLong: '举报理由不能超过 500 字',
  decisionReasonRequired: '请填写处理说明',
  reportExists: '您已举报过该记录，请等待处理结果',
  tooMany: '今天的举报次数已达上限，请明天再试',
  reportNotFound: '举报不存在',
  alreadyDecided: '该举报已处理，不能重复处理',
  notDecider: '只有组织该项目的志愿团体或其主管单位才能处理该举报',
  groupNotFound: '志愿团体不存在',
} as const;

export const REASON_MAX = 500;
/** Reports per account per day: enough for anyone who saw something wrong, too few to flood a group. */
export const REPORT_LIMIT = 10;
export const REPORT_WINDOW_SECONDS = 86_400;
