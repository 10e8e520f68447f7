/** User-facing text of SMS codes. */
export const TEXT = {
  tooMany: (seconds: number) => `短信发送过于频繁，请${seconds >= 60 ? `${Math.ceil(seconds / 60)}分钟` : `${seconds}秒`}后再试`,
  addressTooMany: '该网络发送短信过多，请稍后再试',
  phoneInvalid: '请填写正确的11位手机号码',
  codeInvalid: '短信验证码错误或已失效，请重新获取',
} as const;
