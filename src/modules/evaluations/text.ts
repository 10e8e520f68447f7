/** An evaluation may be edited for this many days after it was written (documented in docs/decisions.md). */
export const EDIT_WINDOW_DAYS = 30;

/** User-facing text of evaluations (评价). */
export const TEXT = {
  projectNotFound: '该志愿项目不存在',
  notOrganiser: '只有组织该项目的志愿团体才能评价参与项目的志愿者',
  notOrganiserView: '只有组织该项目的志愿团体或其上级管理团体才能查看该项目的评价',
  notEligible: '只能评价在本项目中有服务时长记录的志愿者，或项目结束后已报名成功的志愿者',
  exists: '已评价过该志愿者，如需修改请使用修改功能',
  notFound: '未找到对该志愿者的评价',
  locked: `评价提交 ${EDIT_WINDOW_DAYS} 天后不能再修改`,
} as const;
