/**
 * What a group may do at each level (seed 002 §1.2). This table is the only place that decides; every route
 * asks `groupMay`, and docs/permissions.md is rendered from it (`npm run docs:permissions`).
 */
export const GROUP_LEVELS = ['pending', 'basic', 'primary_group', 'primary_project', 'intermediate', 'advanced'] as const;
export type GroupLevel = (typeof GROUP_LEVELS)[number];

export const LEVEL_NAMES: Record<GroupLevel, string> = {
  pending: '待审团体',
  basic: '基本团体',
  primary_group: '初级团体（团体）',
  primary_project: '初级团体（项目）',
  intermediate: '中级团体',
  advanced: '高级团体',
};

const ALL = GROUP_LEVELS;
const APPROVED = ['basic', 'primary_group', 'primary_project', 'intermediate', 'advanced'] as const;

export const GROUP_PERMISSIONS = {
  sign_in: { name: '登录系统', levels: ALL },
  view_own_record: { name: '查看本团体信息', levels: ALL },
  edit_own_record: { name: '修改本团体信息', levels: ALL },
  manage_members: { name: '管理本团体志愿者（审核、移除、导出）', levels: APPROVED },
  manage_acting_people: { name: '管理本团体管理员和经办人', levels: ALL },
  moderate_board: { name: '管理留言、处理投诉', levels: APPROVED },
  publish_project_reviewed: { name: '发布志愿项目（需审核）', levels: ['basic', 'primary_group'] },
  publish_project_direct: { name: '直接发布志愿项目', levels: ['primary_project', 'intermediate', 'advanced'] },
  record_hours: { name: '记录本团体项目的服务时长', levels: APPROVED },
  register_subgroups: { name: '开展子团体注册', levels: ['primary_group', 'intermediate', 'advanced'] },
  review_groups_in_jurisdiction: { name: '审核管辖范围内的志愿团体注册', levels: ['advanced'] },
  manage_jurisdiction: { name: '管理管辖范围内的志愿者、志愿团体和志愿项目（含升降级）', levels: ['advanced'] },
} as const satisfies Record<string, { name: string; levels: readonly GroupLevel[] }>;

export type GroupAction = keyof typeof GROUP_PERMISSIONS;
export const GROUP_ACTIONS = Object.keys(GROUP_PERMISSIONS) as GroupAction[];

export function groupMay(level: GroupLevel, action: GroupAction): boolean {
  return (GROUP_PERMISSIONS[action].levels as readonly GroupLevel[]).includes(level);
}

/** The matrix as Markdown, for docs/permissions.md. */
export function renderPermissionsMarkdown(): string {
  const header = `| 操作 (action) | ${GROUP_LEVELS.map((l) => `${LEVEL_NAMES[l]}<br>\`${l}\``).join(' | ')} |`;
  const rule = `|---|${GROUP_LEVELS.map(() => ':-:').join('|')}|`;
  const rows = GROUP_ACTIONS.map((a) => `| ${GROUP_PERMISSIONS[a].name}<br>\`${a}\` | ${GROUP_LEVELS.map((l) => (groupMay(l, a) ? '✓' : '—')).join(' | ')} |`);
  return [
    '# Group permissions',
    '',
    'Rendered from `src/modules/groups/permissions.ts` by `npm run docs:permissions`; a test fails when this file',
    'and the table in the code disagree. Levels follow seed 002 §1.2. System administrators may do everything;',
    'an advanced group acts only inside its jurisdiction (regions, service fields, universities): anything outside',
    'it answers 404 to that group.',
    '',
    header,
    rule,
    ...rows,
    '',
  ].join('\n');
}
