/** User-facing text of the group search. */
export const TEXT = {
  badFilters: '搜索条件不正确，请按提示修改',
  unknownSite: '所选分站不存在',
  unknownRegion: '所选地区不存在',
  regionOutsideSite: '所选地区不属于该分站',
  badDate: '日期不正确，请按 年-月-日 填写',
  dateOrder: '注册日期的开始日期不能晚于结束日期',
  memberOrder: '最少人数不能大于最多人数',
  pageTooDeep: '结果太多无法翻到这一页，请缩小搜索范围',
} as const;
