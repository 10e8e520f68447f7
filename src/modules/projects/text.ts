/** User-facing text of project publication, review, editing, cancellation and search. */
export const TEXT = {
  invalid: '项目信息有误，请按提示修改',
  searchInvalid: '搜索条件有误，请按提示修改',
  notFound: '该志愿项目不存在',
  cannotReviewOwn: '不能审核本团体发布的项目',
  reasonRequired: '不通过审核时请填写原因',
  cancelReasonRequired: '取消项目时请填写原因',
  alreadyReviewed: '该项目已审核过，请刷新后查看',
  notEditable: '该项目已结束、已取消或未通过审核，不能再修改',
  notCancellable: '该项目已结束、已取消或未通过审核，不能取消',
  quotaBelowEnrolled: '岗位名额不能少于已录用人数',
};

/** 服务对象: who a project serves. */
export const SERVICE_TARGETS = [
  ['elderly', '老年人'], ['children', '儿童'], ['disabled', '残障人士'], ['residents', '社区居民'], ['students', '学生'],
  ['patients', '患者'], ['public', '社会公众'], ['other', '其他'],
].map(([code, name]) => ({ code: code!, name: name! }));
export const SERVICE_TARGET_CODES = SERVICE_TARGETS.map((t) => t.code);

/** User-facing text of project cover images. */
export const COVER_TEXT = {
  invalid: '封面图片无法识别，请上传 JPG、PNG 或 WebP 格式的图片',
  corrupt: '封面图片已损坏或格式不正确，请换一张图片重新上传',
  empty: '请选择要上传的封面图片',
  tooLarge: '封面图片不能超过 5 MB，请压缩后重新上传',
  tooManyPixels: '封面图片尺寸过大（超过 4000 万像素），请缩小后重新上传',
  unsupportedType: '封面图片请以 image/jpeg、image/png 或 image/webp 格式上传',
  notOwner: '只有发布该项目的志愿团体可以设置封面',
  notFound: '该项目还没有封面图片',
};
