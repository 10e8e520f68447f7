/** User-facing text of the certificate module (志愿服务证明). */
export const TEXT = {
  notVerified: '请先完成实名认证并取得志愿者编号，再申请志愿服务证明',
  noHours: '您还没有有效的服务时长，暂不能开具志愿服务证明',
  noProjectHours: '您在该项目中还没有有效的服务时长，暂不能开具该项目的志愿服务证明',
  projectNotFound: '志愿项目不存在',
  rateLimited: '志愿服务证明 3 小时内只能开具一次，请稍后再试',
  notFound: '未找到该证书编号对应的志愿服务证明，请核对编号',
  checkRateLimited: '查询过于频繁，请稍后再试',
  notYours: '只有证明的持有人或出具证明的志愿团体可以下载该证明',
} as const;

/** Printed on the PDF. */
export const PDF_TEXT = {
  title: '志愿服务证明',
  subtitle: 'Certificate of Volunteer Service',
  platformIssuer: (siteName: string) => `${siteName}志愿服务信息系统`,
  platformPerson: '平台管理员',
  idTypes: {
    resident_id: '居民身份证',
    passport: '护照',
    hk_macao_permit: '港澳居民来往内地通行证',
    taiwan_permit: '台湾居民来往大陆通行证',
  } as Record<string, string>,
  columns: ['序号', '服务时间', '服务内容（项目名称）', '组织单位', '时长（小时）'],
  trainingsHeading: (n: number) => `另，该志愿者已完成志愿服务培训 ${n} 项：`,
  trainingColumns: ['序号', '完成日期', '类型', '培训名称', '举办单位', '考试成绩'],
  trainingKinds: { offline: '线下培训', course: '在线课程', exam: '在线考试' } as Record<'offline' | 'course' | 'exam', string>,
  closing: '特此证明。',
  notes: (checkUrl: string) => [
    '说明：1. 本证明依据《志愿服务条例》和《志愿服务记录与证明出具办法（试行）》出具，仅记载已生效的志愿服务时长。',
    '2. 本文件带有平台数字签名，可在 PDF 阅读器中查看签名状态；文件内容的任何改动都会使签名失效。',
    `3. 扫描二维码或访问 ${checkUrl} 可查验本证明的真伪及当前状态。`,
  ],
} as const;
