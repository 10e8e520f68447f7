import type { ImportKind } from '../../platform/database/schema.js';

/** The columns an import file may have. Headers are Chinese (as in the template) or the English field name. */
export type Field =
  | 'name' | 'idType' | 'idNumber' | 'phone' | 'email' | 'username'
  | 'serviceRegionCode' | 'serviceCategories'
  | 'postKind' | 'positionTitle' | 'staffingCategory' | 'rank' | 'staffRole';

export interface Column {
  field: Field;
  header: string;
  aliases: string[];
  kinds: ImportKind[];
  required: ImportKind[];
  /** Shown in the template's second row. */
  example: string;
}

const BOTH: ImportKind[] = ['volunteers', 'staff'];

export const COLUMNS: Column[] = [
  { field: 'name', header: '姓名', aliases: ['name', '真实姓名'], kinds: BOTH, required: BOTH, example: '张三' },
  { field: 'idType', header: '证件类型', aliases: ['idtype'], kinds: BOTH, required: [], example: '居民身份证' },
  { field: 'idNumber', header: '证件号码', aliases: ['idnumber', '身份证号', '身份证号码', '证件号'], kinds: BOTH, required: BOTH, example: '110105199003071234' },
  { field: 'phone', header: '手机号', aliases: ['phone', 'mobile', '手机', '手机号码', '联系电话'], kinds: BOTH, required: BOTH, example: '13800138000' },
  { field: 'email', header: '邮箱', aliases: ['email', '电子邮箱', '电子邮件'], kinds: BOTH, required: [], example: 'zhangsan@example.com' },
  { field: 'username', header: '用户名', aliases: ['username', '账号'], kinds: BOTH, required: [], example: '（可不填，系统生成）' },
  { field: 'serviceRegionCode', header: '服务区域代码', aliases: ['serviceregioncode', '服务区域', '区域代码'], kinds: ['volunteers'], required: ['volunteers'], example: '110105' },
  { field: 'serviceCategories', header: '服务类别', aliases: ['servicecategories'], kinds: ['volunteers'], required: [], example: '社区服务、助老助残' },
  { field: 'postKind', header: '任职类型', aliases: ['postkind', '职务类型'], kinds: ['staff'], required: [], example: '主职' },
  { field: 'positionTitle', header: '职务', aliases: ['positiontitle', '岗位'], kinds: ['staff'], required: [], example: '科员' },
  { field: 'staffingCategory', header: '人员编制', aliases: ['staffingcategory', '编制'], kinds: ['staff'], required: [], example: '行政编制' },
  { field: 'rank', header: '职级', aliases: ['rank'], kinds: ['staff'], required: [], example: '一级科员' },
  { field: 'staffRole', header: '人员角色', aliases: ['staffrole', '角色'], kinds: ['staff'], required: [], example: '普通工作人员' },
];

/** '* 证件号码（必填）' → '证件号码'; 'ID_Number' → 'idnumber'. */
export function normaliseHeader(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[（(]\s*(必填|选填|可选|可不填)\s*[)）]/g, '')
    .replace(/[\s*＊_\-]/g, '')
    .toLowerCase();
}

const byHeader = new Map<string, Column>();
for (const column of COLUMNS) {
  for (const name of [column.header, ...column.aliases]) byHeader.set(normaliseHeader(name), column);
}

export type HeaderResult =
  | { ok: true; positions: Partial<Record<Field, number>> }
  | { ok: false; code: 'HEADER_MISSING'; missing: string[] }
  | { ok: false; code: 'HEADER_DUPLICATE'; column: string };

/** Maps the header row to field positions; unknown columns are ignored. */
export function mapHeader(kind: ImportKind, cells: (string | null)[]): HeaderResult {
  const positions: Partial<Record<Field, number>> = {};
  for (let i = 0; i < cells.length; i++) {
    const text = cells[i];
    if (!text) continue;
    const column = byHeader.get(normaliseHeader(text));
    if (!column || !column.kinds.includes(kind)) continue;
    if (positions[column.field] !== undefined) return { ok: false, code: 'HEADER_DUPLICATE', column: column.header };
    positions[column.field] = i;
  }
  const missing = COLUMNS.filter((c) => c.required.includes(kind) && positions[c.field] === undefined).map((c) => c.header);
  return missing.length > 0 ? { ok: false, code: 'HEADER_MISSING', missing } : { ok: true, positions };
}

export const columnsFor = (kind: ImportKind) => COLUMNS.filter((c) => c.kinds.includes(kind));
