// Which group the console works on: the group account's own group, or the group space the person is in.
import { ApiError } from '../../api/client';
import { groupsApi, type ActingRole, type GroupDetail } from '../../api/groups';
import type { Me } from '../../api/types';

export interface ConsoleGroup {
  groupId: string;
  role: 'group_account' | ActingRole;
  detail: GroupDetail;
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403 || err.status === 400)) return null;
    throw err;
  }
}

export async function loadConsoleGroup(me: Me): Promise<ConsoleGroup | null> {
  if (me.type === 'group') {
    const id = me.groupId;
    if (!id) return null;
    return { groupId: id, role: 'group_account', detail: await groupsApi.detail(id) };
  }
  if (me.type === 'volunteer' || me.type === 'staff') {
    const spaces = await orNull(groupsApi.spaces());
    const current = spaces?.current;
    if (!current) return null;
    return { groupId: current.groupId, role: current.role, detail: await groupsApi.detail(current.groupId) };
  }
  return null;
}
