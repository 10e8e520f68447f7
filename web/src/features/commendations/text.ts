// Words of commendations (表彰, seed 002 §2.1.6.8) and evaluations (评价) as the volunteer sees them.
export const levelText: Record<string, { label: string; color: string }> = {
  national: { label: '国家级', color: 'red' },
  provincial: { label: '省级', color: 'volcano' },
  city: { label: '市级', color: 'orange' },
  county: { label: '区县级', color: 'gold' },
  group: { label: '团体级', color: 'blue' },
};

export const commendationText = {
  title: '我的表彰',
  none: '暂无表彰记录',
  grantedBy: '授予单位',
  grantedOn: '表彰日期',
  authority: '（登记管理机关）',
  note: '说明',
  evaluations: '团体评价',
  average: '平均评分',
  noEvaluations: '参加项目后，志愿团体对您的评价会显示在这里',
  more: '更多',
  project: '项目',
  group: '团体',
  showAll: (n: number) => `查看全部 ${n} 条`,
  collapse: '收起',
} as const;

/** The organising group's 评价 pane in the project console. */
export const evaluationPaneText = {
  tab: '评价',
  hint: '项目结束后，可以对在本项目中有服务时长记录、或报名成功的志愿者进行评价（1–5 星）。评价 30 天内可以修改，志愿者在“我的首页”可以看到。',
  none: '暂无可评价的志愿者',
  notYet: '未评价',
  rate: '评价',
  edit: '修改',
  locked: '已超过修改期限',
  editableUntil: (t: string) => `可修改至 ${t}`,
  modalTitle: (name: string) => `评价志愿者：${name}`,
  rating: '评分',
  ratingRequired: '请选择评分',
  comment: '评语',
  commentPlaceholder: '选填，例如：服务认真负责，守时',
  save: '提交评价',
  saved: '评价已保存',
  rated: (n: number, total: number) => `已评价 ${n} / ${total} 人`,
} as const;
