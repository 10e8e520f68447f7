/** User-facing text of the volunteer card (志愿者证). */
export const PHOTO_TEXT = {
  empty: '请选择要上传的证件照',
  invalid: '证件照无法识别，请上传 JPG 或 PNG 格式的图片',
  corrupt: '证件照已损坏或格式不正确，请换一张照片重新上传',
  tooLarge: '证件照不能超过 2 MB，请压缩后重新上传',
  tooManyPixels: '证件照尺寸过大（超过 2500 万像素），请缩小后重新上传',
  tooSmall: '证件照太小（至少 150×200 像素），请上传更清晰的照片',
  unsupportedType: '证件照请以 image/jpeg 或 image/png 格式上传',
  notFound: '您还没有上传志愿者证件照',
} as const;

export const TEXT = {
  realNameRequired: '请先完成实名认证，通过后即可生成志愿者证',
  numberMissing: '您的志愿者编号尚未生成，实名认证通过后系统会自动分配编号，请稍后再试',
  photoMissing: '请先上传志愿者证件照，再下载志愿者证',
  notFound: '未找到该志愿者编号，请核对后重试',
  checkRateLimited: '查验过于频繁，请稍后再试',
} as const;

/** Printed on the card. */
export const CARD_TEXT = {
  platform: (siteName: string) => `${siteName}志愿服务信息系统`,
  title: '志愿者证',
  titleEn: 'VOLUNTEER CARD',
  name: '姓　　名',
  number: '志愿者编号',
  site: '服务站点',
  region: '服务区域',
  stars: '星　　级',
  noRegion: '未填写',
  backTitle: '持证须知',
  notes: (registeredOn: string, totalHours: number, today: string) => [
    '1. 本证是志愿者身份的证明，仅限本人使用。',
    '2. 扫描右侧二维码可查验本证真伪。',
    `3. 注册日期：${registeredOn}`,
    `4. 累计服务时长：${totalHours} 小时（截至 ${today}）`,
  ],
  scan: '扫码查验',
  pdfTitle: '志愿者证',
  pdfHint: '请用 A4 纸按实际大小（100%）打印，沿四角裁切线剪下正面和背面，背对背粘合或塑封。',
  front: '正面',
  back: '背面',
} as const;
