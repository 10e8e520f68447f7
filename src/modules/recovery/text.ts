/** User-facing text of username and password recovery. */
export const TEXT = {
  noMatch: '未找到匹配的账号，请核对填写的信息；如仍无法找回，请使用自助服务或联系客服',
  tooMany: '找回操作过于频繁，请稍后再试',
  codeInvalid: '验证码错误或已失效，请重新获取',
  destinationRequired: '请填写注册时使用的邮箱或手机号',
} as const;
