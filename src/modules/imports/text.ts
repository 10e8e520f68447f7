/** User-facing text of bulk imports: upload refusals, job failures and the per-row reasons of the report. */
export const TEXT = {
  fileType: '仅支持 .xlsx 或 .csv 文件（Excel 97-2003 的 .xls 文件请先另存为 .xlsx）',
  fileEmpty: '上传的文件是空的',
  fileMissing: '请上传要导入的文件',
  fileNameRequired: '请提供文件名（fileName）',
  unitRequired: '导入工作人员时须指定所在单位（unitId）',
  unitNotFound: '单位不存在，或您不是该单位的管理员',
  siteUnknown: '所选分站不存在',
  siteMismatch: '单位不属于所选分站',
  notFound: '导入任务不存在',
  notFinished: '导入尚未完成，请稍后再下载结果',
  mayNotImport: '您没有导入人员的权限（系统管理员可导入志愿者；单位管理员可向本单位导入工作人员）',
  badBase64: '文件内容不是有效的 base64 编码',

  // Job failures (import_jobs.error), by error_code.
  failed: {
    FILE_UNREADABLE: '文件无法读取，请确认是有效的 .xlsx 或 .csv 文件',
    HEADER_MISSING: (columns: string[]) => `文件缺少必填列：${columns.join('、')}（第 1 行须为列名）`,
    HEADER_DUPLICATE: (column: string) => `列名“${column}”出现了不止一次`,
    NO_ROWS: '文件中没有数据行',
    TOO_MANY_ROWS: (max: number) => `每个文件最多 ${max} 行数据，请拆分后分别导入`,
    INTERRUPTED: '导入因服务重启而中断；尚未创建的账号没有创建，请查看结果后重新上传',
    INTERNAL: '导入过程中出现系统错误，请稍后重新上传',
  } as const,

  // Row reasons.
  rows: {
    NAME_REQUIRED: '姓名为空',
    NAME_INVALID: '姓名格式不正确，请填写与证件一致的真实姓名',
    ID_TYPE_UNKNOWN: '证件类型无法识别（可填：居民身份证、护照、港澳通行证、台胞证）',
    ID_NUMBER_REQUIRED: '证件号码为空',
    ID_NUMBER_AS_NUMBER: '证件号码被存成了数字格式，末几位可能已丢失；请将该列设置为“文本”格式后重新填写',
    PHONE_REQUIRED: '手机号码为空（激活账号需要接收短信验证码）',
    PHONE_INVALID: '手机号码不正确，请填写11位手机号码',
    EMAIL_INVALID: '邮箱格式不正确',
    REGION_REQUIRED: '服务区域代码为空',
    REGION_INVALID: '服务区域代码须为区县或更低一级的行政区划代码，且位于所选分站内',
    CATEGORY_INVALID: (value: string) => `服务类别“${value}”无法识别`,
    POST_KIND_INVALID: '任职类型须为“主职”或“兼职”',
    TOO_LONG: (label: string, max: number) => `${label}过长（最多 ${max} 个字）`,
    DUPLICATE_IN_FILE: (label: string, rows: number[]) => `${label}与第 ${rows.join('、')} 行重复`,
    ID_NUMBER_REGISTERED: '该证件号码已有账号（可能已由本人或其他组织注册），请本人通过“找回用户名”“忘记密码”找回原账号',
    PHONE_REGISTERED: '该手机号码已被其他账号使用',
    USERNAME_TAKEN: '该用户名已被使用',
    NOT_CREATED: '本行检查通过，但文件中有未通过检查的行，按“全部导入或全部不导入”的选择，整个文件未导入',
  } as const,

  status: { created: '已创建', refused: '未通过', not_created: '未导入' } as const,
  labels: { idNumber: '证件号码', phone: '手机号码', username: '用户名' } as const,
} as const;
