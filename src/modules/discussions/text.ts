/** User-facing text of project discussion boards (讨论). */
export const TEXT = {
  projectNotFound: '该志愿项目不存在',
  discussionNotFound: '该讨论不存在或已删除',
  bodyEmpty: '讨论内容不能为空，请填写后再提交',
  tooLong: '讨论内容不能超过 500 个字',
  tooMany: '发表讨论过于频繁，请稍后再试',
  closed: '该项目已取消，不能再发表讨论',
  notYours: '只能删除自己发表的讨论，或由发布该项目的志愿团体删除',
} as const;
