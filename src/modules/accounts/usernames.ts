/** Username rules (api.md): 4–20 letters, digits or underscore; not all digits; not shaped like an ID or phone number. */
export function usernameProblem(username: string): string | null {
  if (!/^[A-Za-z0-9_]{4,20}$/.test(username)) return 'USERNAME_FORMAT';
  if (/^\d+$/.test(username)) return 'USERNAME_ALL_DIGITS';
  if (/^\d{17}[Xx]$/.test(username)) return 'USERNAME_LOOKS_LIKE_ID';
  return null;
}

export const USERNAME_MESSAGES: Record<string, string> = {
  USERNAME_FORMAT: '用户名须为4-20位字母、数字或下划线',
  USERNAME_ALL_DIGITS: '用户名不能全为数字',
  USERNAME_LOOKS_LIKE_ID: '用户名不能使用身份证号码的格式',
};
