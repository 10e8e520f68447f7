/** User-facing text of account activation (新账号激活) and 通过管理员找回密码. */
export const TEXT = {
  noMatch: '未找到待激活的账号，请核对账号和姓名；已激活的账号请直接登录，忘记密码请使用“忘记密码”',
  noPhone: '该账号没有登记手机号码，无法通过短信激活，请联系创建账号的单位或组织',
  tooMany: '激活操作过于频繁，请稍后再试',
  codeInvalid: '短信验证码错误或已失效，请重新获取',
} as const;
