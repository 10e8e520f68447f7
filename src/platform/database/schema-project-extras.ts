/** Tables of migrations/0016_project_extras.ts: project discussions and cover images. */
export interface ProjectExtraTables {}
