/** User-facing text of the service-record module. */
export const TEXT = {
  projectNotFound: '志愿项目不存在',
  recordNotFound: '服务时长记录不存在',
  notOrganiser: '只有组织该项目的志愿团体才能记录或删除其服务时长（谁组织谁记录）',
  invalid: '服务时长记录有误，整批未保存，请按提示修改后重新提交',
  alreadyDeleted: '该服务时长记录已删除',
  reasonRequired: '请填写删除原因',
} as const;

/** Stars (星级) by effective hours: 1–5 stars from these thresholds, none below the first. */
export const STAR_THRESHOLDS = [100, 300, 600, 1000, 1500] as const;

export const MAX_HOURS_PER_DAY = 24;
export const INSERT_CHUNK = 1000;
