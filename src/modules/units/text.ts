/** User-facing text of units, staff records and administrator-assisted resets. */
export const TEXT = {
  unitNotFound: '单位不存在，或您不是该单位的管理员',
  staffNotFound: '该单位没有这名工作人员',
  postNotFound: '该职务不存在，或不在您管理的单位',
  requestNotFound: '该申请不存在或已处理',
  siteUnknown: '所选分站不存在',
  parentInvalid: '上级单位不存在，或不在同一分站',
  regionInvalid: '行政区划代码不正确，或不在所选分站内',
  notStaff: '只能任命本单位的工作人员为单位管理员',
  profileIncomplete: '您的相关数据不完善，请先联系所在单位管理员完善数据',
  profileIncompleteForAdmin: '请先完善该人员所有主职、兼职的人员编制、职级、人员角色，再为其办理',
  postExists: '该人员在本单位已有职务',
  mainPostExists: '该人员已有主职，请以兼职添加',
  personMismatch: '未找到手机号码和姓名都匹配的工作人员账号',
  addPersonInvalid: '人员信息有误，请按提示修改',
  blank: '不能为空',
  accountInactive: '该账号尚未激活',
} as const;

/** Suggested values shown by the forms (free text is accepted: units use their own lists). */
export const POST_OPTIONS = {
  staffingCategory: ['行政编制', '参照公务员法管理事业编制', '事业编制', '工勤编制', '企业编制', '聘用人员', '其他'],
  rank: ['省部级正职', '省部级副职', '厅局级正职', '厅局级副职', '县处级正职', '县处级副职', '乡科级正职', '乡科级副职',
    '一级巡视员', '二级巡视员', '一级调研员', '二级调研员', '三级调研员', '四级调研员',
    '一级主任科员', '二级主任科员', '三级主任科员', '四级主任科员', '一级科员', '二级科员', '其他'],
  staffRole: ['单位负责人', '部门负责人', '普通工作人员', '联络员', '其他'],
} as const;
