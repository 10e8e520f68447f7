/** User-facing text of volunteer registration and profiles. */
export const TEXT = {
  siteUnknown: '所选分站不存在，请重新选择省份',
  usernameTaken: '该用户名已被使用，请换一个用户名',
  idRegistered: '该证件号码已注册过志愿者账号，请通过“找回用户名”和“忘记密码”找回原账号后登录',
  phoneRegistered: '该手机号已被其他账号使用，请更换手机号，或通过“找回用户名”找回原账号',
  idInvalid: '证件号码不正确，请核对后重新填写',
  phoneInvalid: '请填写正确的11位手机号码',
  smsCodeRequired: '本分站注册需要验证手机号，请先获取并填写短信验证码',
  nameInvalid: '请填写与证件一致的真实姓名',
  regionInvalid: '服务区域须选择到区县或更低一级，且位于所选省份内',
  categoryInvalid: '请至少选择一个有效的服务类别',
  fieldInvalid: '服务领域选择有误，请重新选择',
  identityLocked: '已通过实名认证的身份信息不能修改；如姓名已变更，请使用自助服务修改并重新认证',
} as const;
