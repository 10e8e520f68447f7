import type { CommendationLevel } from '../../platform/database/schema-transfers.js';

export const LEVEL_NAMES: Record<CommendationLevel, string> = {
  national: '国家级',
  provincial: '省级',
  city: '市级',
  county: '区县级',
  group: '团体级',
};

/** User-facing text of commendations (表彰). */
export const TEXT = {
  groupNotFound: '该志愿团体不存在',
  notFound: '该表彰记录不存在',
  notManager: '只有该志愿团体或其登记管理机关才能管理本团体的表彰记录',
  levelNotAllowed: '志愿团体只能授予团体级表彰，更高级别的表彰请由登记管理机关录入',
  volunteerNotFound: '该志愿者不存在',
  notRelated: '只能表彰本团体的成员或在本团体项目中有服务记录的志愿者',
  dateInvalid: '表彰日期不正确，请按 YYYY-MM-DD 填写，且不能晚于今天',
  titleRequired: '请填写表彰名称',
  exists: '该志愿者已有同名、同日期的表彰记录',
  alreadyRevoked: '该表彰已撤销',
  reasonRequired: '请填写撤销原因',
  grantorOnly: '由登记管理机关授予的表彰只能由登记管理机关撤销',
} as const;
