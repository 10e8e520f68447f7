/** User-facing text of volunteers' correction requests (更正申请) on service records. */
export const TEXT = {
  recordNotFound: '服务时长记录不存在',
  notOwner: '只能对本人的服务时长记录申请更正',
  recordDeleted: '该服务时长记录已删除，不能更正',
  reasonRequired: '请填写更正理由',
  reasonTooLong: '理由不能超过 500 字',
  nothingToCorrect: '请至少填写一项要更正的内容（服务日期、开始时间、结束时间或时长）',
  invalid: '更正后的记录不符合服务时长规则，请按提示修改',
  exists: '该记录已有一份待处理的更正申请，请等待团体处理',
  notFound: '更正申请不存在',
  alreadyDecided: '该更正申请已处理，不能重复处理',
  rejectReasonRequired: '驳回更正申请时请填写原因',
  notOrganiser: '只有组织该项目的志愿团体才能处理更正申请',
  notViewer: '只有组织该项目的志愿团体或其主管单位才能查看更正申请',
  groupNotFound: '志愿团体不存在',
} as const;

/** The rules a correction can break, named in the 422 title. */
export const RULE_NAMES: Record<string, string> = {
  INVALID: '格式不正确',
  HOURS_INVALID: '时长须大于 0 且最多两位小数',
  HOURS_EXCEED_SPAN: '时长超过开始至结束的时间',
  FUTURE_DATE: '服务日期不能晚于今天',
  OUTSIDE_PROJECT: '服务日期不在项目期间内',
  OVERLAP: '与该志愿者的其他服务时长时间重叠',
  DAILY_CAP: '该志愿者当天服务时长超过 24 小时',
};
