/** User-facing text of the service-record module. */
export const TEXT = {
  projectNotFound: '志愿项目不存在',
  recordNotFound: '服务时长记录不存在',
  notOrganiser: '只有组织该项目的志愿团体才能记录或删除其服务时长（谁组织谁记录）',
  invalid: '服务时长记录有误，整批未保存，请按提示修改后重新提交',
  alreadyDeleted: '该服务时长记录已删除',
  reasonRequired: '请填写删除原因',
  alreadyRecorded: '所选签到记录已生成服务时长，请刷新后重新选择',
  notOrganiserView: '只有组织该项目的志愿团体或其上级管理团体才能查看该项目的全部服务时长记录',
  badRange: '查询日期不正确，请按 YYYY-MM-DD 填写，且开始日期不晚于结束日期',
} as const;

/** Import of hours from a spreadsheet: file-level refusals (400) and the message for each row code. */
export const IMPORT_TEXT = {
  fileMissing: '请选择要导入的 .xlsx 或 .csv 文件（表单字段 file）',
  notMultipart: '请以 multipart/form-data 上传文件（表单字段 file）',
  fileType: '仅支持 .xlsx 或 .csv 文件（Excel 97-2003 的 .xls 文件请先另存为 .xlsx）',
  fileTooLarge: (mb: number) => `文件超过 ${mb} MB，请拆分后分别导入`,
  fileUnreadable: '文件无法读取，请确认是有效的 .xlsx 或 .csv 文件',
  fileEmpty: '文件中没有数据行（第 1 行须为列名，从第 2 行起填写时长）',
  tooManyRows: (max: number) => `每个文件最多 ${max} 行数据，请拆分后分别导入`,
  headerMissing: (columns: string[]) => `文件缺少必填列：${columns.join('、')}（第 1 行须为列名，可下载模板参照）`,
  headerDuplicate: (column: string) => `列名“${column}”出现了不止一次`,
  rows: {
    REQUIRED: '此项为空，请填写',
    INVALID: '格式不正确（日期如 2026-11-20，时间如 09:00，时长为数字）',
    ID_NUMBER_AS_NUMBER: '证件号码被存成了数字格式，末几位可能已丢失；请将该列设置为“文本”格式后重新填写',
    VOLUNTEER_NOT_FOUND: '找不到该志愿者，请核对志愿者编号或证件号码',
    UNKNOWN: '本项目没有这个岗位，请填写项目中的岗位名称或留空',
    NOT_ENROLLED: '该志愿者未被录用到本项目',
    FUTURE_DATE: '服务日期不能晚于今天',
    OUTSIDE_PROJECT: '服务日期不在项目的起止日期内',
    HOURS_INVALID: '时长须大于 0，最多两位小数',
    HOURS_EXCEED_SPAN: '时长超过了开始到结束的时间（结束早于开始视为次日结束）',
    OVERLAP: '与该志愿者的其他服务时长在时间上重叠',
    DAILY_CAP: '该志愿者当天的服务时长将超过 24 小时',
    TOO_LONG: '内容过长（备注最多 500 字）',
  } as Record<string, string>,
} as const;

/** Stars (星级) by effective hours: 1–5 stars from these thresholds, none below the first. */
export const STAR_THRESHOLDS = [100, 300, 600, 1000, 1500] as const;

export const MAX_HOURS_PER_DAY = 24;
export const INSERT_CHUNK = 1000;
