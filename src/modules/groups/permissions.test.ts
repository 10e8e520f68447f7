import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GROUP_ACTIONS, GROUP_LEVELS, groupMay, renderPermissionsMarkdown, type GroupAction, type GroupLevel } from './permissions.js';

// Seed 002 §1.2, written out level by level (independently of the table in permissions.ts).
const EXPECTED: Record<GroupLevel, GroupAction[]> = {
  pending: ['sign_in', 'view_own_record', 'edit_own_record', 'manage_acting_people'],
  basic: ['sign_in', 'view_own_record', 'edit_own_record', 'manage_acting_people', 'manage_members', 'moderate_board', 'publish_project_reviewed', 'record_hours'],
  primary_group: ['sign_in', 'view_own_record', 'edit_own_record', 'manage_acting_people', 'manage_members', 'moderate_board', 'publish_project_reviewed', 'record_hours', 'register_subgroups'],
  primary_project: ['sign_in', 'view_own_record', 'edit_own_record', 'manage_acting_people', 'manage_members', 'moderate_board', 'publish_project_direct', 'record_hours'],
  intermediate: ['sign_in', 'view_own_record', 'edit_own_record', 'manage_acting_people', 'manage_members', 'moderate_board', 'publish_project_direct', 'record_hours', 'register_subgroups'],
  advanced: ['sign_in', 'view_own_record', 'edit_own_record', 'manage_acting_people', 'manage_members', 'moderate_board', 'publish_project_direct', 'record_hours', 'register_subgroups', 'review_groups_in_jurisdiction', 'manage_jurisdiction'],
};

test('every level × every action: allowed exactly where seed 002 §1.2 says', () => {
  for (const level of GROUP_LEVELS) {
    for (const action of GROUP_ACTIONS) {
      assert.equal(groupMay(level, action), EXPECTED[level].includes(action), `${level} × ${action}`);
    }
  }
});

test('docs/permissions.md is the rendering of the table', () => {
  const doc = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
  assert.equal(doc, renderPermissionsMarkdown(), 'run npm run docs:permissions');
});
