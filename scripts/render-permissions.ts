import { writeFileSync } from 'node:fs';
import { renderPermissionsMarkdown } from '../src/modules/groups/permissions.js';

writeFileSync(new URL('../docs/permissions.md', import.meta.url), renderPermissionsMarkdown());
console.log('docs/permissions.md written');
