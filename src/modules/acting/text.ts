/** User-facing text of people acting for groups (seed 004 §五) and the organisation space. */
export const TEXT = {
  groupNotFound: '该志愿团体不存在',
  personOnly: '只有个人账号（志愿者或工作人员）可以申请代表团体办理业务，团体账号无需申请',
  realnameRequired: '请先通过实名认证，再申请或接受团体授权',
  roleExists: '您已申请或已拥有该团体的授权，无需重复申请',
  grantExists: '该人员已拥有该团体的此项授权',
  roleNotFound: '没有找到这项授权或申请',
  notPending: '该申请已处理，不能重复审核',
  roleInsufficient: '您的授权等级不能办理此项授权（法定代表人可授权管理员和经办人，管理员可授权经办人）',
  listForbidden: '只有团体账号、法定代表人和管理员可以查看本团体的授权人员',
  personNotFound: '没有找到该用户名对应的个人账号',
  personMismatch: '用户名、姓名与证件号码不匹配，请核对后重试',
  leaderMismatch: '法定代表人（负责人）须为团体登记的负责人；如已更换负责人，请先修改团体信息',
  spaceNotFound: '您没有该团体的有效授权，不能进入该团体空间',
  spacePersonOnly: '团体账号和系统管理员没有个人空间与团体空间之分',
  conflict: '该授权正在被他人同时修改，请稍后重试',
} as const;
