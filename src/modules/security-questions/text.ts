/** User-facing text of security questions. */
export const TEXT = {
  disabled: '本分站未开通密保问题功能，请通过邮箱或手机找回密码',
  notSet: '该账号未设置密保问题，请通过邮箱或手机找回密码',
  wrong: '密保答案不正确',
  tooMany: '尝试次数过多，请稍后再试，或通过邮箱或手机找回密码',
  weakAnswer: '每个答案至少需要2个字符，且不能与用户名相同',
} as const;
