/** User-facing text of sign-in, sessions and passwords. */
export const TEXT = {
  invalidCredentials: '账号或密码错误，请重新输入',
  tooManyAttempts: (seconds: number) => `登录失败次数过多，请${seconds >= 60 ? `${Math.ceil(seconds / 60)}分钟` : `${seconds}秒`}后再试，或通过“忘记密码”重置密码`,
  tooManyFromAddress: '该网络登录失败次数过多，请稍后再试',
  passwordResetRequired: '您的密码不符合最新的密码强度规则，请通过“忘记密码”重置密码后登录',
  accountDisabled: '该账号已被停用，请联系所在分站管理员',
  accountInactive: '该账号尚未激活，请先完成账号激活',
  oldPasswordWrong: '原密码不正确，请重新输入',
  passwordUnchanged: '新密码不能与原密码相同',
  sessionNotFound: '该会话不存在或已结束',
} as const;
