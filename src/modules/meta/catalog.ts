/** 服务类别 (service categories) and 服务领域/行业 (service fields), as the national system lists them. */
export const SERVICE_CATEGORIES = [
  ['community', '社区服务'], ['poverty_relief', '扶贫减贫'], ['education', '支教助学'], ['health', '卫生健康'],
  ['legal_aid', '法律服务'], ['environment', '环境保护'], ['science', '科技科普'], ['culture', '文化艺术'],
  ['public_safety', '平安综治'], ['traffic', '交通引导'], ['major_events', '大型赛会'], ['emergency', '应急救援'],
  ['elderly_disabled', '助老助残'], ['special_groups', '关爱特殊群体'], ['tourism', '旅游服务'], ['overseas', '海外志愿服务'],
  ['anti_drug', '禁毒宣传'], ['civility_online', '网络文明'], ['theory', '理论宣讲'], ['other', '其他'],
].map(([code, name]) => ({ code, name }));

export const SERVICE_FIELDS = [
  ['youth', '青年志愿者'], ['women', '巾帼志愿者'], ['civil_affairs', '民政志愿者'], ['community', '社区志愿者'],
  ['education', '教育志愿者'], ['civilization_office', '文明实践志愿者'], ['health', '卫生健康志愿者'], ['science', '科技志愿者'],
  ['culture', '文化志愿者'], ['legal', '法律志愿者'], ['environment', '环保志愿者'], ['emergency', '应急志愿者'],
  ['disability', '助残志愿者'], ['elderly', '老年志愿者'], ['other', '其他'],
].map(([code, name]) => ({ code, name }));

export const SERVICE_CATEGORY_CODES = SERVICE_CATEGORIES.map((c) => c.code);
export const SERVICE_FIELD_CODES = SERVICE_FIELDS.map((c) => c.code);
