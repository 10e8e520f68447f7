// Messages shown when the server gives no usable title of its own.
export const apiText = {
  network: '网络连接失败，请检查网络后重试',
  signedOut: '登录已失效，请重新登录',
  forbidden: '没有权限进行此操作',
  notFound: '请求的内容不存在',
  tooMany: '操作过于频繁，请稍后再试',
  serverError: '服务暂时不可用，请稍后再试',
  requestFailed: '请求未能完成，请检查填写的内容后重试',
  badResponse: '服务器返回的数据无法识别，请稍后再试',
  unexpected: '发生了意外错误，请刷新页面后重试',
} as const;
